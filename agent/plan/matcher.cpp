#include "agent/plan/matcher.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <set>

#include "agent/model/attributes.h"
#include "agent/model/text_fold.h"
#include "common/base64.h"

namespace ctim::agent {
namespace {

using Kind = CandidateIndex::Kind;

constexpr std::string_view kUserPrefix = "User_";  // INFERRED cloudAnchor format (doc/facts.md §4)
constexpr std::string_view kSmtpPrefix = "SMTP:";

struct KeyName {
  MatchKey key;
  std::string_view name;
};
constexpr std::array kKeyNames = {KeyName{MatchKey::kExternalDirectoryObjectId, "external-id"},
                                  KeyName{MatchKey::kCloudAnchor, "cloud-anchor"},
                                  KeyName{MatchKey::kCloudSecurityIdentifier, "cloud-sid"},
                                  KeyName{MatchKey::kTargetAddress, "target-address"},
                                  KeyName{MatchKey::kUserPrincipalName, "upn"},
                                  KeyName{MatchKey::kMail, "mail"}};

// msDS-ExternalDirectoryObjectId "User_<guid>" or "<guid>" -> the GUID; other prefixes (Group_, ...) are not
// users and are not indexed.
std::optional<Guid> ExternalIdGuid(std::string_view value) {
  if (StartsWithAscii(value, kUserPrefix)) value.remove_prefix(kUserPrefix.size());
  return Guid::Parse(value);
}

// targetAddress "SMTP:bob@x" -> "bob@x"; nullopt for other address types (X400:, ...).
std::optional<std::string_view> SmtpAddress(std::string_view value) {
  if (!StartsWithAscii(value, kSmtpPrefix)) return std::nullopt;
  return value.substr(kSmtpPrefix.size());
}

std::vector<std::size_t> Union(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  std::set<std::size_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  return {all.begin(), all.end()};
}

// Calls add(kind, key) for every key `o` is indexed under.
template <typename Add>
void ForEachKey(const DirectoryObject& o, const MatchOptions& options, Add&& add) {
  add(Kind::kObjectGuid, o.object_guid.AdBytes());
  if (!o.object_sid.empty()) add(Kind::kSid, FoldCase(o.object_sid));
  for (const std::string& v : o.Values(attr::kExternalDirectoryObjectId)) {
    if (auto guid = ExternalIdGuid(v)) add(Kind::kExternalId, guid->AdBytes());
  }
  if (EqualsAscii(options.anchor_attribute, attr::kObjectGuid)) {
    add(Kind::kAnchor, o.object_guid.AdBytes());
  } else {
    for (const std::string& v : o.Values(options.anchor_attribute)) add(Kind::kAnchor, v);
  }
  for (const std::string& v : o.Values(attr::kTargetAddress)) {
    if (auto smtp = SmtpAddress(v)) add(Kind::kTargetAddress, FoldCase(*smtp));
  }
  for (const std::string& v : o.Values(attr::kUserPrincipalName)) add(Kind::kUpn, FoldCase(v));
  for (const std::string& v : o.Values(attr::kMail)) add(Kind::kMail, FoldCase(v));
}

// One key of the chain for one row: what is looked for (the union of `lookups`), or why it is not consulted.
struct Probe {
  KeyResult result;  // objects still empty
  std::vector<std::pair<Kind, std::string>> lookups;
};

Probe MakeProbe(MatchKey key, const SourceIdentity& row, const CloudView& cloud,
                const MatchOptions& options) {
  Probe p{KeyResult{key, false, {}, {}, {}}, {}};
  KeyResult& r = p.result;
  const bool cloud_key = key == MatchKey::kCloudAnchor || key == MatchKey::kCloudSecurityIdentifier;
  if (cloud_key) {
    switch (cloud.state) {
      case CloudView::State::kNotConfigured:
        r.note = "no cloud resolver configured";
        return p;
      case CloudView::State::kUnavailable:
        r.note = "cloud unavailable: " + cloud.unavailable_reason;
        return p;
      case CloudView::State::kResolved:
        break;
    }
    if (cloud.identity == nullptr) {
      r.note = "the target tenant has no user with this id";
      return p;
    }
  }
  switch (key) {
    case MatchKey::kExternalDirectoryObjectId:
      if (!row.target_object_id) {
        r.note = "the row has no TargetExternalDirectoryObjectId";
        return p;
      }
      r.probe = std::string(attr::kExternalDirectoryObjectId) + "=User_" + row.target_object_id->ToString();
      p.lookups.emplace_back(Kind::kExternalId, row.target_object_id->AdBytes());
      break;
    case MatchKey::kCloudAnchor: {
      const auto& immutable = cloud.identity->immutable_id;
      if (!immutable || immutable->empty()) {
        r.note = "Graph has no onPremisesImmutableId";
        return p;
      }
      r.probe = "onPremisesImmutableId " + *immutable + " as " + options.anchor_attribute;
      const auto bytes = Base64Decode(*immutable);
      if (bytes && bytes->size() == 16) {
        p.lookups.emplace_back(Kind::kAnchor, *bytes);
        if (EqualsAscii(options.anchor_attribute, attr::kConsistencyGuid)) {
          r.probe += " or objectGUID";
          p.lookups.emplace_back(Kind::kObjectGuid, *bytes);
        }
      } else {
        // A custom (non-GUID) sourceAnchor: string anchors are used as they are, non-string ones
        // base64-encoded (ECDESIGN); compare both forms byte-exact.
        p.lookups.emplace_back(Kind::kAnchor, *immutable);
        if (bytes) p.lookups.emplace_back(Kind::kAnchor, *bytes);
      }
      break;
    }
    case MatchKey::kCloudSecurityIdentifier: {
      const auto& sid = cloud.identity->security_identifier;
      if (!sid || sid->empty()) {
        r.note = "Graph has no onPremisesSecurityIdentifier";
        return p;
      }
      r.probe = "objectSid=" + *sid;
      p.lookups.emplace_back(Kind::kSid, FoldCase(*sid));
      break;
    }
    case MatchKey::kTargetAddress:
      if (row.primary_smtp.empty()) {
        r.note = "the row has no PrimarySmtpAddress";
        return p;
      }
      r.probe = std::string(attr::kTargetAddress) + "=SMTP:" + row.primary_smtp;
      p.lookups.emplace_back(Kind::kTargetAddress, FoldCase(row.primary_smtp));
      break;
    case MatchKey::kUserPrincipalName:
      if (row.source_upn.empty()) {
        r.note = "the row has no SourceUserPrincipalName";
        return p;
      }
      r.probe = std::string(attr::kUserPrincipalName) + "=" + row.source_upn;
      p.lookups.emplace_back(Kind::kUpn, FoldCase(row.source_upn));
      break;
    case MatchKey::kMail:
      if (row.primary_smtp.empty()) {
        r.note = "the row has no PrimarySmtpAddress";
        return p;
      }
      r.probe = std::string(attr::kMail) + "=" + row.primary_smtp;
      p.lookups.emplace_back(Kind::kMail, FoldCase(row.primary_smtp));
      break;
  }
  r.consulted = true;
  return p;
}

}  // namespace

std::string_view MatchKeyName(MatchKey key) {
  for (const KeyName& k : kKeyNames) {
    if (k.key == key) return k.name;
  }
  return "?";
}

std::optional<MatchKey> ParseMatchKey(std::string_view name) {
  for (const KeyName& k : kKeyNames) {
    if (EqualsAscii(k.name, name)) return k.key;
  }
  return std::nullopt;
}

Result<MatchOptions> MatchOptionsFromConfig(std::span<const std::string> order, std::string_view anchor,
                                            bool match_upn, bool match_mail) {
  MatchOptions options;
  if (!order.empty()) {
    options.chain.clear();
    for (const std::string& name : order) {
      const auto key = ParseMatchKey(name);
      if (!key) {
        std::string valid;
        for (const KeyName& k : kKeyNames) valid += (valid.empty() ? "" : ", ") + std::string(k.name);
        return Fail(Errc::kInvalidInput, "match_order: unknown key \"" + name + "\"",
                    "use some of: " + valid);
      }
      if (std::find(options.chain.begin(), options.chain.end(), *key) == options.chain.end()) {
        options.chain.push_back(*key);
      }
    }
  }
  auto opt_in = [&](bool wanted, MatchKey key) {
    if (wanted && std::find(options.chain.begin(), options.chain.end(), key) == options.chain.end()) {
      options.chain.push_back(key);
    }
  };
  opt_in(match_upn, MatchKey::kUserPrincipalName);
  opt_in(match_mail, MatchKey::kMail);
  if (!anchor.empty()) options.anchor_attribute = std::string(anchor);
  return options;
}

void KeyTable::Insert(std::uint8_t kind, std::string_view key, std::uint32_t value) {
  entries_.push_back(Entry{arena_.size(), static_cast<std::uint32_t>(key.size()), value, kind});
  arena_.append(key);
  sealed_ = false;
}

void KeyTable::Seal() {
  auto less = [this](const Entry& a, const Entry& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (const int c = KeyOf(a).compare(KeyOf(b)); c != 0) return c < 0;
    return a.value < b.value;
  };
  std::sort(entries_.begin(), entries_.end(), less);
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [this](const Entry& a, const Entry& b) {
                               return a.kind == b.kind && a.value == b.value && KeyOf(a) == KeyOf(b);
                             }),
                 entries_.end());
  entries_.shrink_to_fit();
  sealed_ = true;
}

std::pair<std::vector<KeyTable::Entry>::const_iterator, std::vector<KeyTable::Entry>::const_iterator>
KeyTable::Range(std::uint8_t kind, std::string_view key) const {
  if (!sealed_) return {entries_.end(), entries_.end()};
  const auto first = std::lower_bound(entries_.begin(), entries_.end(), 0, [&](const Entry& e, int) {
    return e.kind != kind ? e.kind < kind : KeyOf(e) < key;
  });
  auto last = first;
  while (last != entries_.end() && last->kind == kind && KeyOf(*last) == key) ++last;
  return {first, last};
}

std::vector<std::size_t> KeyTable::Find(std::uint8_t kind, std::string_view key) const {
  const auto [first, last] = Range(kind, key);
  std::vector<std::size_t> out;
  for (auto it = first; it != last; ++it) out.push_back(it->value);
  return out;
}

bool KeyTable::Contains(std::uint8_t kind, std::string_view key) const {
  const auto [first, last] = Range(kind, key);
  return first != last;
}

std::optional<std::uint32_t> KeyTable::Last(std::uint8_t kind, std::string_view key) const {
  const auto [first, last] = Range(kind, key);
  if (first == last) return std::nullopt;
  return std::prev(last)->value;  // sorted by (kind, key, value)
}

CandidateIndex::CandidateIndex(std::vector<DirectoryObject> objects, const MatchOptions& options)
    : options_(options) {
  for (DirectoryObject& o : objects) Add(std::move(o));
  Seal();
}

CandidateIndex::CandidateIndex(const MatchOptions& options, KeyTable wanted)
    : options_(options), wanted_(std::move(wanted)) {}

bool CandidateIndex::Add(DirectoryObject&& object) {
  std::optional<std::uint32_t> last_use;
  if (wanted_) {
    ForEachKey(object, options_, [&](Kind kind, std::string_view key) {
      if (const auto row = wanted_->Last(static_cast<std::uint8_t>(kind), key)) {
        last_use = std::max(last_use.value_or(0), *row);
      }
    });
    if (!last_use) {
      ++dropped_;
      return false;
    }
  }
  const auto at = static_cast<std::uint32_t>(objects_.size());
  ForEachKey(object, options_, [&](Kind kind, std::string_view key) {
    keys_.Insert(static_cast<std::uint8_t>(kind), key, at);
  });
  objects_.push_back(std::move(object));
  if (last_use) last_use_.emplace_back(*last_use, at);
  return true;
}

void CandidateIndex::Seal() {
  wanted_.reset();  // the rows' keys only filtered Add(); each kept object noted its last row in last_use_
  keys_.Seal();
  objects_.shrink_to_fit();
  std::sort(last_use_.begin(), last_use_.end());
  last_use_.shrink_to_fit();
}

void CandidateIndex::ReleaseThrough(std::size_t row) {
  for (; released_ < last_use_.size() && last_use_[released_].first <= row; ++released_) {
    DirectoryObject& o = objects_[last_use_[released_].second];
    DirectoryObject released;
    released.object_guid = o.object_guid;
    o = std::move(released);
  }
}

std::vector<std::size_t> CandidateIndex::Lookup(Kind kind, std::string_view key) const {
  return keys_.Find(static_cast<std::uint8_t>(kind), key);
}

std::string MatchResult::DescribeTried(const CandidateIndex& index, std::optional<std::size_t> matched) const {
  std::string out;
  for (std::size_t t = 0; t < tried.size(); ++t) {
    const KeyResult& k = tried[t];
    if (!out.empty()) out += "; ";
    out += k.probe.empty() ? std::string(MatchKeyName(k.key)) : k.probe;
    if (!k.consulted) {
      // Keys skipped for one reason (both cloud keys without a resolver) share one clause.
      for (; t + 1 < tried.size() && !tried[t + 1].consulted && tried[t + 1].probe.empty() &&
             tried[t + 1].note == k.note;
           ++t) {
        out += ", ";
        out += MatchKeyName(tried[t + 1].key);
      }
      out += ": not consulted (" + k.note + ")";
      continue;
    }
    out += ": ";
    if (k.objects.empty()) {
      out += "nothing";
    } else if (matched && k.objects.size() == 1 && k.objects.front() == *matched) {
      out += "the matched object";
    } else {
      for (std::size_t i = 0; i < k.objects.size(); ++i) {
        if (i > 0) out += " and ";
        out += index.objects()[k.objects[i]].dn;
      }
    }
    if (!k.note.empty()) out += " (" + k.note + ")";
  }
  return out;
}

Matcher::Matcher(const CandidateIndex& index, MatchOptions options)
    : index_(index), options_(std::move(options)) {}

KeyResult Matcher::TryKey(MatchKey key, const SourceIdentity& row, const CloudView& cloud) const {
  Probe p = MakeProbe(key, row, cloud, options_);
  for (const auto& [kind, value] : p.lookups)
    p.result.objects = Union(p.result.objects, index_.Lookup(kind, value));
  return std::move(p.result);
}

KeyTable Matcher::WantedKeys(std::span<const SourceIdentity> rows, std::span<const CloudView> views,
                             const MatchOptions& options) {
  KeyTable wanted;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const CloudView view = i < views.size() ? views[i] : CloudView{};
    for (MatchKey key : options.chain) {
      for (const auto& [kind, value] : MakeProbe(key, rows[i], view, options).lookups) {
        wanted.Insert(static_cast<std::uint8_t>(kind), value, static_cast<std::uint32_t>(i));
      }
    }
  }
  wanted.Seal();
  return wanted;
}

MatchResult Matcher::Match(const SourceIdentity& row, const CloudView& cloud) const {
  MatchResult result;
  if (!row.target_object_id) {
    result.unmapped = true;
    result.findings.push_back(
        Finding{Rule::kUnmapped, Severity::kNote,
                "TargetExternalDirectoryObjectId is empty: the identity is not mapped yet",
                "map it in the target tenant (New-CtimMapRequest or Upload-CtimMappingData), "
                "download the file again and rerun"});
    return result;
  }
  if (cloud.state == CloudView::State::kResolved) {
    if (cloud.identity == nullptr) {
      result.findings.push_back(Refuse(
          Rule::kR2Match,
          "the target tenant has no user with TargetExternalDirectoryObjectId " +
              row.target_object_id->ToString(),
          "check the file belongs to this tenant and the mapping is current (download the file again)"));
      return result;
    }
    if (!cloud.identity->on_premises_sync_enabled) {
      result.findings.push_back(Refuse(
          Rule::kR2Match,
          "target user " + row.target_object_id->ToString() +
              " is cloud-only (onPremisesSyncEnabled is not true)",
          "write its values in the cloud with New-CtimWriteRequest; ctim-agent writes only directory-synced "
          "users"));
      return result;
    }
    if (cloud.identity->cloud_managed.value_or(false)) {
      // doc/cloud-api.md, "Source of authority": Entra ID blocks updates from AD for such a user.
      result.findings.push_back(Refuse(Rule::kR2Match,
                                       "target user " + row.target_object_id->ToString() +
                                           " is managed in the cloud (its source of authority was moved: "
                                           "onPremisesSyncBehavior isCloudManaged "
                                           "is true): Entra ID blocks updates from on-premises AD, so values "
                                           "written to AD would never reach it",
                                       "write this user's values in the cloud with the cloud-only CTIM write "
                                       "request (New-CtimWriteRequest), or "
                                       "move its source of authority back to AD first"));
      return result;
    }
  }

  for (MatchKey key : options_.chain) result.tried.push_back(TryKey(key, row, cloud));

  const auto deciding = std::find_if(result.tried.begin(), result.tried.end(),
                                     [](const KeyResult& k) { return !k.objects.empty(); });
  if (deciding == result.tried.end()) {
    result.findings.push_back(
        Refuse(Rule::kR2Match, "no AD object matched: " + result.DescribeTried(index_),
               "check the base DN(s); that Entra Connect's Exchange hybrid writeback wrote "
               "msDS-ExternalDirectoryObjectId; or set targetAddress=SMTP:" +
                   row.primary_smtp + " on the target MailUser; or enable the cloud resolver"));
    return result;
  }
  if (deciding->objects.size() > 1) {
    result.findings.push_back(Refuse(
        Rule::kR2Match,
        std::to_string(deciding->objects.size()) + " AD objects match: " + result.DescribeTried(index_),
        "remove the duplicate value from the wrong object(s); a person decides"));
    return result;
  }
  const std::size_t winner = deciding->objects.front();
  if (options_.require_agreement) {
    for (const KeyResult& k : result.tried) {
      if (std::any_of(k.objects.begin(), k.objects.end(), [&](std::size_t o) { return o != winner; })) {
        result.findings.push_back(
            Refuse(Rule::kR2Match, "the matching keys disagree: " + result.DescribeTried(index_),
                   "fix the stale value on the object that is not the target MailUser"));
        return result;
      }
    }
  }
  const DirectoryObject& object = index_.objects()[winner];
  if (options_.require_agreement) {
    // Entra Connect's writeback names the cloud user this object syncs to. If that is another user than the
    // row's target, a weaker key (targetAddress, UPN, mail) found the wrong object, or the file's mapping is
    // stale: stamping the source mailbox here would give it to someone else.
    for (const std::string& v : object.Values(attr::kExternalDirectoryObjectId)) {
      const auto synced = ExternalIdGuid(v);
      if (!synced || *synced == *row.target_object_id) continue;
      result.findings.push_back(Refuse(
          Rule::kR2Match,
          object.dn + " (found by " + std::string(MatchKeyName(deciding->key)) + ") syncs to cloud user " +
              v + ", not to the row's TargetExternalDirectoryObjectId " + row.target_object_id->ToString(),
          "the mapping is stale or maps the wrong user: download the file again, or fix the mapping in the "
          "target "
          "tenant"));
      return result;
    }
  }
  result.object = winner;
  result.decided_by = deciding->key;

  if (cloud.state == CloudView::State::kResolved && cloud.identity->distinguished_name &&
      !cloud.identity->distinguished_name->empty() &&
      !EqualsFolded(*cloud.identity->distinguished_name, object.dn)) {
    // DNs move (renames, OU moves between sync cycles): a cross-check only, never a key.
    result.findings.push_back(
        Warn(Rule::kR2Match,
             "Graph's onPremisesDistinguishedName is " + *cloud.identity->distinguished_name +
                 " but the matched object is " + object.dn,
             "fine if the object moved since the last sync; otherwise check the match"));
  }
  return result;
}

}  // namespace ctim::agent
