// Row -> exactly one AD object, or a refusal that lists every key tried and what each found.
// Pure: works over a snapshot of candidates loaded once (Directory::LoadCandidates) and indexed once; never
// one search per row. The resolution chain is doc/design.md §1 (INFERRED, so its order and the
// anchor attribute are configuration: MatchOptions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/model/cloud_resolver.h"
#include "agent/model/directory.h"
#include "agent/model/finding.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

enum class MatchKey {
  kExternalDirectoryObjectId,  // msDS-ExternalDirectoryObjectId = User_<target id> (or the bare GUID)
  kCloudAnchor,                // Graph onPremisesImmutableId -> anchor attribute (or objectGUID)
  kCloudSecurityIdentifier,    // Graph onPremisesSecurityIdentifier -> objectSid
  kTargetAddress,              // targetAddress = SMTP:<source PrimarySmtpAddress>
  kUserPrincipalName,          // userPrincipalName = source UPN (opt-in)
  kMail,                       // mail = source PrimarySmtpAddress (opt-in)
};

// Config spelling: "external-id", "cloud-anchor", "cloud-sid", "target-address", "upn", "mail".
[[nodiscard]] std::string_view MatchKeyName(MatchKey key);
[[nodiscard]] std::optional<MatchKey> ParseMatchKey(std::string_view name);

struct MatchOptions {
  // Keys in the order they are consulted; a key not listed is never consulted (that is how UPN and mail are
  // opted in). The first key that finds anything decides.
  std::vector<MatchKey> chain = {MatchKey::kExternalDirectoryObjectId, MatchKey::kCloudAnchor,
                                 MatchKey::kCloudSecurityIdentifier, MatchKey::kTargetAddress};
  // The site's Entra Connect sourceAnchor. mS-DS-ConsistencyGuid (the default of current installs) also
  // tries objectGUID, from which it is seeded (doc/design.md §1, the anchor).
  std::string anchor_attribute = "mS-DS-ConsistencyGuid";
  // When true, a row is refused if any other listed key found a different object than the deciding key:
  // the keys disagree, and writing would stamp one identity on the wrong object.
  bool require_agreement = true;
};

// What the cloud said about one row's target id.
struct CloudView {
  enum class State { kNotConfigured, kUnavailable, kResolved };
  State state = State::kNotConfigured;
  const CloudIdentity* identity = nullptr;  // kResolved: the user, or nullptr if the tenant has no such id
  std::string unavailable_reason;           // kUnavailable: why the cloud could not be asked
};

// MatchOptions from configuration (service/config.h [agent] match_order, anchor, match_upn, match_mail):
// `order` empty = the default chain; the opt-in flags append "upn"/"mail" when not already listed; `anchor`
// empty = mS-DS-ConsistencyGuid. An unknown key name is an error listing the valid names.
[[nodiscard]] Result<MatchOptions> MatchOptionsFromConfig(std::span<const std::string> order,
                                                          std::string_view anchor, bool match_upn,
                                                          bool match_mail);

// (kind, key) -> value pairs in one arena of key bytes and one sorted vector of 24-byte entries: a few
// bytes per key instead of a hash node, a string and a vector each, so an index of N objects costs what its
// keys weigh. Insert everything, Seal() once, then look up.
class KeyTable {
 public:
  void Insert(std::uint8_t kind, std::string_view key, std::uint32_t value);
  void Seal();  // sorts; drops repeated (kind, key, value) entries
  // The values under (kind, key), ascending; empty when none (or before Seal()).
  [[nodiscard]] std::vector<std::size_t> Find(std::uint8_t kind, std::string_view key) const;
  [[nodiscard]] bool Contains(std::uint8_t kind, std::string_view key) const;
  // The largest value under (kind, key); nullopt when none (or before Seal()).
  [[nodiscard]] std::optional<std::uint32_t> Last(std::uint8_t kind, std::string_view key) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t value = 0;
    std::uint8_t kind = 0;
  };
  [[nodiscard]] std::string_view KeyOf(const Entry& e) const { return {arena_.data() + e.offset, e.length}; }
  [[nodiscard]] std::pair<std::vector<Entry>::const_iterator, std::vector<Entry>::const_iterator> Range(
      std::uint8_t kind, std::string_view key) const;

  std::string arena_;
  std::vector<Entry> entries_;
  bool sealed_ = false;
};

// The candidates, indexed by every key the chain can look up. Indices into objects() identify them.
class CandidateIndex {
 public:
  // What an object is indexed under (normalised: GUID bytes, folded text).
  enum class Kind : std::uint8_t { kExternalId, kAnchor, kObjectGuid, kSid, kTargetAddress, kUpn, kMail };

  // Every object of `objects`.
  CandidateIndex(std::vector<DirectoryObject> objects, const MatchOptions& options);
  // Filled while the candidate search streams: Add() keeps an object only when one of its keys is in
  // `wanted` (every (kind, key) the rows will look up: Matcher::WantedKeys, whose values are row numbers),
  // so the index grows with the rows, not with the OU. A dropped object can match no row, so the matches
  // are the same. Add() also notes the last row that can look the object up (ReleaseThrough).
  CandidateIndex(const MatchOptions& options, KeyTable wanted);

  bool Add(DirectoryObject&& object);  // false: dropped
  void Seal();                         // after the last Add, before the first Lookup; frees `wanted`

  [[nodiscard]] const std::vector<DirectoryObject>& objects() const { return objects_; }
  [[nodiscard]] std::size_t dropped() const { return dropped_; }
  // Frees what every object holds that no row after `row` can look up (the keys stay indexed, an object
  // keeps its GUID), once rows up to `row` are matched, described and planned: the plan grows while the
  // candidates shrink, so the two are not held whole at once. Call with rising rows; needs `wanted`.
  void ReleaseThrough(std::size_t row);
  // Objects holding `key` under `kind`, ascending; empty when none.
  [[nodiscard]] std::vector<std::size_t> Lookup(Kind kind, std::string_view key) const;

 private:
  MatchOptions options_;
  std::optional<KeyTable> wanted_;
  std::vector<DirectoryObject> objects_;
  KeyTable keys_;
  std::size_t dropped_ = 0;
  // (last row that can look it up, object), sorted after Seal(); [released_, end) are still held.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> last_use_;
  std::size_t released_ = 0;
};

// One key of the chain, as tried for one row.
struct KeyResult {
  MatchKey key = MatchKey::kExternalDirectoryObjectId;
  bool consulted = false;
  std::string probe;                 // what was looked for, e.g. "targetAddress=SMTP:bob@fabrikam.com"
  std::vector<std::size_t> objects;  // what it found
  std::string note;                  // why not consulted, or a remark
};

struct MatchResult {
  std::optional<std::size_t> object;  // the one object, unless refused
  std::optional<MatchKey> decided_by;
  std::vector<KeyResult> tried;
  std::vector<Finding> findings;  // a refusal (R2) when object is empty; warnings (DN cross-check) otherwise
  bool unmapped = false;          // TargetExternalDirectoryObjectId empty: skipped, not refused

  // "msDS-ExternalDirectoryObjectId=User_...: CN=Bob,...; targetAddress=SMTP:...: nothing; ...". With
  // `matched`, a key that found only that object says "the matched object" (the row names its DN once).
  [[nodiscard]] std::string DescribeTried(const CandidateIndex& index,
                                          std::optional<std::size_t> matched = std::nullopt) const;
};

class Matcher {
 public:
  // `index` must outlive the matcher.
  Matcher(const CandidateIndex& index, MatchOptions options);

  [[nodiscard]] MatchResult Match(const SourceIdentity& row, const CloudView& cloud) const;

  // Every (kind, key) Match can look up for `rows` (views[i] is rows[i]'s cloud view): the filter of the
  // streaming CandidateIndex. Sealed.
  [[nodiscard]] static KeyTable WantedKeys(std::span<const SourceIdentity> rows,
                                           std::span<const CloudView> views, const MatchOptions& options);

 private:
  KeyResult TryKey(MatchKey key, const SourceIdentity& row, const CloudView& cloud) const;

  const CandidateIndex& index_;
  MatchOptions options_;
};

}  // namespace ctim::agent
