// Row -> exactly one AD object, or a refusal that lists every key tried and what each found.
// Pure: works over a snapshot of candidates loaded once (Directory::LoadCandidates) and indexed once; never
// one search per row. The resolution chain is doc/design.md §1 (INFERRED, so its order and the
// anchor attribute are configuration: MatchOptions).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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
[[nodiscard]] Result<MatchOptions> MatchOptionsFromConfig(std::span<const std::string> order, std::string_view anchor,
                                                          bool match_upn, bool match_mail);

// The candidates, indexed once. Owns the objects; indices into objects() identify them.
class CandidateIndex {
 public:
  CandidateIndex(std::vector<DirectoryObject> objects, const MatchOptions& options);

  [[nodiscard]] const std::vector<DirectoryObject>& objects() const { return objects_; }
  // Objects holding `key` under one index; empty when none. Keys are normalised by the caller-facing
  // functions of the matcher (GUID bytes, folded text).
  [[nodiscard]] const std::vector<std::size_t>& Lookup(std::string_view index, const std::string& key) const;

 private:
  void Add(std::string_view index, std::string key, std::size_t object);

  std::vector<DirectoryObject> objects_;
  std::unordered_map<std::string, std::vector<std::size_t>> index_;  // "<index>\n<key>" -> objects
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

  // "msDS-ExternalDirectoryObjectId=User_...: CN=Bob,...; targetAddress=SMTP:...: nothing; ..."
  [[nodiscard]] std::string DescribeTried(const CandidateIndex& index) const;
};

class Matcher {
 public:
  // `index` must outlive the matcher.
  Matcher(const CandidateIndex& index, MatchOptions options);

  [[nodiscard]] MatchResult Match(const SourceIdentity& row, const CloudView& cloud) const;

 private:
  KeyResult TryKey(MatchKey key, const SourceIdentity& row, const CloudView& cloud) const;

  const CandidateIndex& index_;
  MatchOptions options_;
};

}  // namespace ctim::agent
