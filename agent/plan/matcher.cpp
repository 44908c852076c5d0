#include "agent/plan/matcher.h"

#include <algorithm>
#include <array>
#include <set>

#include "agent/model/attributes.h"
#include "agent/model/text_fold.h"
#include "common/base64.h"

namespace ctim::agent {
namespace {

// Index names.
constexpr std::string_view kIdxExternalId = "eid";
constexpr std::string_view kIdxAnchor = "anchor";
constexpr std::string_view kIdxObjectGuid = "oguid";
constexpr std::string_view kIdxSid = "sid";
constexpr std::string_view kIdxTargetAddress = "ta";
constexpr std::string_view kIdxUpn = "upn";
constexpr std::string_view kIdxMail = "mail";

constexpr std::string_view kUserPrefix = "User_";  // INFERRED cloudAnchor format (doc/facts.md §4)
constexpr std::string_view kSmtpPrefix = "SMTP:";

struct KeyName {
  MatchKey key;
  std::string_view name;
};
constexpr std::array kKeyNames = {
    KeyName{MatchKey::kExternalDirectoryObjectId, "external-id"}, KeyName{MatchKey::kCloudAnchor, "cloud-anchor"},
    KeyName{MatchKey::kCloudSecurityIdentifier, "cloud-sid"},     KeyName{MatchKey::kTargetAddress, "target-address"},
    KeyName{MatchKey::kUserPrincipalName, "upn"},                  KeyName{MatchKey::kMail, "mail"}};

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
        return Fail(Errc::kInvalidInput, "match_order: unknown key \"" + name + "\"", "use some of: " + valid);
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

CandidateIndex::CandidateIndex(std::vector<DirectoryObject> objects, const MatchOptions& options)
    : objects_(std::move(objects)) {
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    const DirectoryObject& o = objects_[i];
    Add(kIdxObjectGuid, o.object_guid.AdBytes(), i);
    if (!o.object_sid.empty()) Add(kIdxSid, FoldCase(o.object_sid), i);
    for (const std::string& v : o.Values(attr::kExternalDirectoryObjectId)) {
      if (auto guid = ExternalIdGuid(v)) Add(kIdxExternalId, guid->AdBytes(), i);
    }
    if (EqualsAscii(options.anchor_attribute, attr::kObjectGuid)) {
      Add(kIdxAnchor, o.object_guid.AdBytes(), i);
    } else {
      for (const std::string& v : o.Values(options.anchor_attribute)) Add(kIdxAnchor, v, i);
    }
    for (const std::string& v : o.Values(attr::kTargetAddress)) {
      if (auto smtp = SmtpAddress(v)) Add(kIdxTargetAddress, FoldCase(*smtp), i);
    }
    for (const std::string& v : o.Values(attr::kUserPrincipalName)) Add(kIdxUpn, FoldCase(v), i);
    for (const std::string& v : o.Values(attr::kMail)) Add(kIdxMail, FoldCase(v), i);
  }
}

void CandidateIndex::Add(std::string_view index, std::string key, std::size_t object) {
  std::string full(index);
  full.push_back('\n');
  full += key;
  auto& list = index_[std::move(full)];
  if (list.empty() || list.back() != object) list.push_back(object);
}

const std::vector<std::size_t>& CandidateIndex::Lookup(std::string_view index, const std::string& key) const {
  static const std::vector<std::size_t> kNone;
  std::string full(index);
  full.push_back('\n');
  full += key;
  const auto it = index_.find(full);
  return it == index_.end() ? kNone : it->second;
}

std::string MatchResult::DescribeTried(const CandidateIndex& index) const {
  std::string out;
  for (const KeyResult& k : tried) {
    if (!out.empty()) out += "; ";
    out += k.probe.empty() ? std::string(MatchKeyName(k.key)) : k.probe;
    out += ": ";
    if (!k.consulted) {
      out += "not consulted (" + k.note + ")";
      continue;
    }
    if (k.objects.empty()) {
      out += "nothing";
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

Matcher::Matcher(const CandidateIndex& index, MatchOptions options) : index_(index), options_(std::move(options)) {}

KeyResult Matcher::TryKey(MatchKey key, const SourceIdentity& row, const CloudView& cloud) const {
  KeyResult r{key, false, {}, {}, {}};
  const bool cloud_key = key == MatchKey::kCloudAnchor || key == MatchKey::kCloudSecurityIdentifier;
  if (cloud_key) {
    switch (cloud.state) {
      case CloudView::State::kNotConfigured: r.note = "no cloud resolver configured"; return r;
      case CloudView::State::kUnavailable: r.note = "cloud unavailable: " + cloud.unavailable_reason; return r;
      case CloudView::State::kResolved: break;
    }
    if (cloud.identity == nullptr) {
      r.note = "the target tenant has no user with this id";
      return r;
    }
  }
  switch (key) {
    case MatchKey::kExternalDirectoryObjectId:
      r.probe = std::string(attr::kExternalDirectoryObjectId) + "=User_" + row.target_object_id->ToString();
      r.objects = index_.Lookup(kIdxExternalId, row.target_object_id->AdBytes());
      break;
    case MatchKey::kCloudAnchor: {
      const auto& immutable = cloud.identity->immutable_id;
      if (!immutable || immutable->empty()) {
        r.note = "Graph has no onPremisesImmutableId";
        return r;
      }
      r.probe = "onPremisesImmutableId " + *immutable + " as " + options_.anchor_attribute;
      const auto bytes = Base64Decode(*immutable);
      if (bytes && bytes->size() == 16) {
        r.objects = index_.Lookup(kIdxAnchor, *bytes);
        if (EqualsAscii(options_.anchor_attribute, attr::kConsistencyGuid)) {
          r.probe += " or objectGUID";
          r.objects = Union(r.objects, index_.Lookup(kIdxObjectGuid, *bytes));
        }
      } else {
        // A custom (non-GUID) sourceAnchor: string anchors are used as they are, non-string ones
        // base64-encoded (ECDESIGN); compare both forms byte-exact.
        r.objects = index_.Lookup(kIdxAnchor, *immutable);
        if (bytes) r.objects = Union(r.objects, index_.Lookup(kIdxAnchor, *bytes));
      }
      break;
    }
    case MatchKey::kCloudSecurityIdentifier: {
      const auto& sid = cloud.identity->security_identifier;
      if (!sid || sid->empty()) {
        r.note = "Graph has no onPremisesSecurityIdentifier";
        return r;
      }
      r.probe = "objectSid=" + *sid;
      r.objects = index_.Lookup(kIdxSid, FoldCase(*sid));
      break;
    }
    case MatchKey::kTargetAddress:
      if (row.primary_smtp.empty()) {
        r.note = "the row has no PrimarySmtpAddress";
        return r;
      }
      r.probe = std::string(attr::kTargetAddress) + "=SMTP:" + row.primary_smtp;
      r.objects = index_.Lookup(kIdxTargetAddress, FoldCase(row.primary_smtp));
      break;
    case MatchKey::kUserPrincipalName:
      if (row.source_upn.empty()) {
        r.note = "the row has no SourceUserPrincipalName";
        return r;
      }
      r.probe = std::string(attr::kUserPrincipalName) + "=" + row.source_upn;
      r.objects = index_.Lookup(kIdxUpn, FoldCase(row.source_upn));
      break;
    case MatchKey::kMail:
      if (row.primary_smtp.empty()) {
        r.note = "the row has no PrimarySmtpAddress";
        return r;
      }
      r.probe = std::string(attr::kMail) + "=" + row.primary_smtp;
      r.objects = index_.Lookup(kIdxMail, FoldCase(row.primary_smtp));
      break;
  }
  r.consulted = true;
  return r;
}

MatchResult Matcher::Match(const SourceIdentity& row, const CloudView& cloud) const {
  MatchResult result;
  if (!row.target_object_id) {
    result.unmapped = true;
    result.findings.push_back(Finding{Rule::kUnmapped, Severity::kNote,
                                      "TargetExternalDirectoryObjectId is empty: the identity is not mapped yet",
                                      "map it in the target tenant (New-CtimMapRequest or Upload-CtimMappingData), "
                                      "download the file again and rerun"});
    return result;
  }
  if (cloud.state == CloudView::State::kResolved) {
    if (cloud.identity == nullptr) {
      result.findings.push_back(Refuse(
          Rule::kR2Match,
          "the target tenant has no user with TargetExternalDirectoryObjectId " + row.target_object_id->ToString(),
          "check the file belongs to this tenant and the mapping is current (download the file again)"));
      return result;
    }
    if (!cloud.identity->on_premises_sync_enabled) {
      result.findings.push_back(Refuse(
          Rule::kR2Match,
          "target user " + row.target_object_id->ToString() + " is cloud-only (onPremisesSyncEnabled is not true)",
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
    result.findings.push_back(Refuse(Rule::kR2Match, "no AD object matched: " + result.DescribeTried(index_),
                                     "check the base DN(s); that Entra Connect's Exchange hybrid writeback wrote "
                                     "msDS-ExternalDirectoryObjectId; or set targetAddress=SMTP:" +
                                         row.primary_smtp + " on the target MailUser; or enable the cloud resolver"));
    return result;
  }
  if (deciding->objects.size() > 1) {
    result.findings.push_back(Refuse(Rule::kR2Match,
                                     std::to_string(deciding->objects.size()) +
                                         " AD objects match: " + result.DescribeTried(index_),
                                     "remove the duplicate value from the wrong object(s); a person decides"));
    return result;
  }
  const std::size_t winner = deciding->objects.front();
  if (options_.require_agreement) {
    for (const KeyResult& k : result.tried) {
      if (std::any_of(k.objects.begin(), k.objects.end(), [&](std::size_t o) { return o != winner; })) {
        result.findings.push_back(Refuse(Rule::kR2Match, "the matching keys disagree: " + result.DescribeTried(index_),
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
          object.dn + " (found by " + std::string(MatchKeyName(deciding->key)) + ") syncs to cloud user " + v +
              ", not to the row's TargetExternalDirectoryObjectId " + row.target_object_id->ToString(),
          "the mapping is stale or maps the wrong user: download the file again, or fix the mapping in the target "
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
    result.findings.push_back(Warn(Rule::kR2Match,
                                   "Graph's onPremisesDistinguishedName is " + *cloud.identity->distinguished_name +
                                       " but the matched object is " + object.dn,
                                   "fine if the object moved since the last sync; otherwise check the match"));
  }
  return result;
}

}  // namespace ctim::agent
