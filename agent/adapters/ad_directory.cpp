#include "agent/adapters/ad_directory.h"

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <system_error>
#include <unordered_set>

#include "agent/adapters/ad_entry.h"
#include "agent/model/attributes.h"
#include "agent/model/log.h"
#include "agent/model/text_fold.h"
#include "ldap/connection.h"
#include "ldap/escape.h"

namespace ctim::agent::adapters {
namespace {

// On a Global Catalog (port 3268/3269) a search with the empty base DN covers every domain of the forest
// (Microsoft, "Global Catalog and LDAP Searches", TechNet cc978012); on port 389 it would fail.
constexpr std::string_view kForest = "";

std::vector<std::string> WithGuid(std::span<const std::string> attributes) {
  std::vector<std::string> out(attributes.begin(), attributes.end());
  const bool has = std::any_of(out.begin(), out.end(),
                               [](const std::string& a) { return EqualsAscii(a, attr::kObjectGuid); });
  if (!has) out.emplace_back(attr::kObjectGuid);
  return out;
}

// "(|(a=v1)(a=v2)...)" of escaped values; a single value needs no OR.
template <class It, class Escape>
std::string OrFilter(std::string_view attribute, It first, It last, Escape escape) {
  std::string terms;
  std::size_t n = 0;
  for (It it = first; it != last; ++it, ++n) {
    terms += "(";
    terms += attribute;
    terms += "=";
    terms += escape(*it);
    terms += ")";
  }
  return n == 1 ? terms : "(|" + terms + ")";
}

class AdDirectory final : public Directory {
 public:
  AdDirectory(AdDirectoryOptions options, ldap::Connection dc, std::string domain_root)
      : options_(std::move(options)), dc_(std::move(dc)), domain_root_(std::move(domain_root)) {}

  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(DirectoryObject&&)>& visit) override {
    StartOpeningGlobalCatalog();
    const std::vector<std::string> attrs = WithGuid(attributes);
    for (const std::string& base : base_dns) {
      ldap::SearchRequest request;
      request.base = base;
      request.scope = ldap::Scope::kSubtree;
      request.filter = options_.candidate_filter;
      request.attributes = attrs;
      request.page_size = options_.page_size;
      request.paging = options_.paging;
      std::size_t count = 0;
      Status status = dc_.SearchPages(request, [&](std::vector<ldap::Entry>& page) -> Status {
        for (ldap::Entry& entry : page) {
          auto object = ToDirectoryObject(std::move(entry));
          if (!object) return std::unexpected(std::move(object.error()));
          if (Status s = visit(std::move(*object)); !s) return s;
          ++count;
        }
        return {};
      });
      if (!status) return status;
      Log()->debug("loaded {} candidate object(s) under {}", count, base);
    }
    return {};
  }

  Result<std::vector<std::optional<DirectoryObject>>> ReadByGuids(
      std::span<const Guid> guids, std::span<const std::string> attributes) override {
    return options_.guid_reads == GuidReadMode::kBaseRead ? ReadOneByOne(guids, attributes)
                                                          : ReadWithFilters(guids, attributes);
  }

  Result<std::vector<ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override {
    std::vector<ProxyOwner> owners;
    if (values.empty()) return owners;
    auto conn = GlobalCatalog();
    if (!conn) return std::unexpected(std::move(conn.error()));
    std::unordered_set<std::string> wanted;
    for (const std::string& v : values) wanted.insert(FoldCase(v));
    std::set<Guid> seen;  // an object may match several batches: report each (object, value) once
    const std::size_t per_filter = std::max<std::size_t>(options_.proxy_values_per_filter, 1);
    for (auto it = values.begin(); it != values.end();) {
      auto last = it;
      for (std::size_t n = 0; n < per_filter && last != values.end(); ++n) ++last;
      ldap::SearchRequest request;
      request.base = options_.gc ? std::string(kForest) : domain_root_;
      request.scope = ldap::Scope::kSubtree;
      request.filter = OrFilter(attr::kProxyAddresses, it, last,
                                [](const std::string& v) { return ldap::EscapeFilterValue(v); });
      request.attributes = {std::string(attr::kObjectGuid), std::string(attr::kProxyAddresses)};
      request.page_size = options_.page_size;
      request.paging = options_.paging;
      Status status = (*conn)->SearchPages(request, [&](std::vector<ldap::Entry>& page) -> Status {
        for (ldap::Entry& entry : page) {
          auto object = ToDirectoryObject(std::move(entry));
          if (!object) return std::unexpected(std::move(object.error()));
          if (!seen.insert(object->object_guid).second) continue;
          for (const std::string& p : object->Values(attr::kProxyAddresses)) {
            if (wanted.contains(FoldCase(p))) owners.push_back({p, object->dn, object->object_guid});
          }
        }
        return {};
      });
      if (!status) return std::unexpected(std::move(status.error()).With("looking up proxyAddresses owners"));
      it = last;
    }
    return owners;
  }

  bool ProxyOwnersForestWide() const override { return options_.gc.has_value(); }

  std::vector<Status> ApplyModifies(std::span<const ModifyRequest> requests) override {
    std::vector<ldap::ModifyRequest> ldap_requests;
    ldap_requests.reserve(requests.size());
    for (const ModifyRequest& r : requests) ldap_requests.push_back(ToLdapModify(r));
    std::vector<Status> statuses(requests.size(),
                                 Status(Fail(Errc::kUnavailable, "modify not reported by the ldap layer")));
    ldap::PipelineOptions pipeline;
    pipeline.window = std::max<std::size_t>(options_.window, 1);
    // No stop token: a stop is honoured between batches, so every modify sent gets its reply.
    const Status run = dc_.ModifyPipelined(
        ldap_requests, pipeline, [&](const ldap::ModifyRequest& sent, ldap::ModifyOutcome&& outcome) {
          // Paired by the GUID the modify was addressed to, not only by position: a reply booked on the
          // wrong request would journal one object's outcome under another's intent.
          if (outcome.index >= requests.size() || sent.dn != ldap_requests[outcome.index].dn) {
            Log()->error("internal error: the ldap layer reported a modify of {} as request {} of {}",
                         sent.dn, outcome.index, requests.size());
            return;  // that request keeps "not reported": unknown, judged by re-reading
          }
          statuses[outcome.index] = ModifyStatus(requests[outcome.index], outcome);
        });
    if (!run) Log()->debug("pipelined modify ended early: {}", run.error().ToString());
    return statuses;
  }

 private:
  Result<ldap::Connection*> GlobalCatalog() {
    if (!options_.gc) {
      if (!warned_no_gc_) {
        Log()->warn(
            "no Global Catalog configured ([ldap] gc_url): X500 uniqueness is checked in {} only, not in "
            "the other domains of the forest",
            domain_root_);
        warned_no_gc_ = true;
      }
      return &dc_;
    }
    if (!gc_) {
      auto opened = gc_opening_.valid() ? gc_opening_.get() : ldap::Connection::Open(*options_.gc);
      if (!opened) return std::unexpected(std::move(opened.error()).With("Global Catalog"));
      gc_.emplace(std::move(*opened));
    }
    return &*gc_;
  }

  Result<std::vector<std::optional<DirectoryObject>>> ReadOneByOne(std::span<const Guid> guids,
                                                                   std::span<const std::string> attributes) {
    const std::vector<std::string> attrs = WithGuid(attributes);
    std::vector<std::optional<DirectoryObject>> out;
    out.reserve(guids.size());
    for (const Guid& g : guids) {
      auto entry = dc_.Read(GuidDn(g), attrs);
      if (!entry) {
        if (entry.error().code == Errc::kNotFound) {
          out.emplace_back(std::nullopt);
          continue;
        }
        return std::unexpected(std::move(entry.error()));
      }
      auto object = ToDirectoryObject(std::move(*entry));
      if (!object) return std::unexpected(std::move(object.error()));
      out.emplace_back(std::move(*object));
    }
    return out;
  }

  Result<std::vector<std::optional<DirectoryObject>>> ReadWithFilters(
      std::span<const Guid> guids, std::span<const std::string> attributes) {
    const std::vector<std::string> attrs = WithGuid(attributes);
    std::map<Guid, DirectoryObject> found;
    const std::size_t per_filter = std::max<std::size_t>(options_.guids_per_filter, 1);
    for (std::size_t start = 0; start < guids.size(); start += per_filter) {
      const auto batch = guids.subspan(start, std::min(per_filter, guids.size() - start));
      ldap::SearchRequest request;
      request.base = domain_root_;
      request.scope = ldap::Scope::kSubtree;
      request.filter = OrFilter(attr::kObjectGuid, batch.begin(), batch.end(),
                                [](const Guid& g) { return ldap::EscapeFilterBytes(g.AdBytes()); });
      request.attributes = attrs;
      request.page_size = options_.page_size;
      request.paging = options_.paging;
      Status status = dc_.SearchPages(request, [&](std::vector<ldap::Entry>& page) -> Status {
        for (ldap::Entry& entry : page) {
          auto object = ToDirectoryObject(std::move(entry));
          if (!object) return std::unexpected(std::move(object.error()));
          const Guid guid = object->object_guid;
          found.insert_or_assign(guid, std::move(*object));
        }
        return {};
      });
      if (!status) return std::unexpected(std::move(status.error()).With("reading objects by objectGUID"));
    }
    std::vector<std::optional<DirectoryObject>> out;
    out.reserve(guids.size());
    for (const Guid& g : guids) {
      const auto it = found.find(g);
      if (it == found.end()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(it->second);  // copied: the same GUID may be asked twice
      }
    }
    return out;
  }

  // The GC connect and bind (a round trip to the KDC and one to the GC) overlap the candidate search,
  // whose results decide which X500s FindProxyOwners looks up next. Its own thread touches nothing else;
  // an error is kept for FindProxyOwners to report, as if it had opened the connection itself.
  void StartOpeningGlobalCatalog() {
    if (!options_.gc || gc_ || gc_opening_.valid()) return;
    try {
      gc_opening_ = std::async(std::launch::async, [gc = *options_.gc] { return ldap::Connection::Open(gc); });
    } catch (const std::system_error& e) {
      Log()->debug("Global Catalog connection not opened beside the candidate search ({}): opened when needed",
                   e.what());
    }
  }

  AdDirectoryOptions options_;
  ldap::Connection dc_;
  std::optional<ldap::Connection> gc_;
  std::future<Result<ldap::Connection>> gc_opening_;  // StartOpeningGlobalCatalog, until GlobalCatalog() takes it
  std::string domain_root_;
  bool warned_no_gc_ = false;
};

}  // namespace

Result<std::unique_ptr<Directory>> OpenAdDirectory(AdDirectoryOptions options) {
  auto dc = ldap::Connection::Open(options.dc);
  if (!dc) return std::unexpected(std::move(dc.error()));
  auto root = dc->ReadRootDse({"defaultNamingContext"});
  if (!root) return std::unexpected(std::move(root.error()).With("reading the rootDSE of " + options.dc.url));
  std::string domain_root(root->First("defaultNamingContext"));
  if (domain_root.empty()) {
    return Fail(Errc::kInvalidInput, options.dc.url + ": the rootDSE has no defaultNamingContext",
                "point [ldap] url at an Active Directory domain controller");
  }
  Log()->debug("connected to {} (domain {})", dc->Info().url, domain_root);
  return std::unique_ptr<Directory>(
      std::make_unique<AdDirectory>(std::move(options), std::move(*dc), std::move(domain_root)));
}

}  // namespace ctim::agent::adapters
