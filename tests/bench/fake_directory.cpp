#include "fake_directory.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include "agent/model/attributes.h"
#include "agent/model/change_set.h"
#include "agent/model/text_fold.h"
#include "core_lab.h"

namespace ctim::bench {
namespace {

namespace attr = agent::attr;
using agent::AttributeValues;

std::int64_t ThreadCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Adds the calling thread's CPU between construction and destruction to `total`.
class CpuScope {
 public:
  explicit CpuScope(std::atomic<std::int64_t>& total) : total_(total), start_(ThreadCpuNs()) {}
  ~CpuScope() { total_ += ThreadCpuNs() - start_; }
  CpuScope(const CpuScope&) = delete;
  CpuScope& operator=(const CpuScope&) = delete;

 private:
  std::atomic<std::int64_t>& total_;
  std::int64_t start_;
};

// The attributes a generated user can carry, in the order of kNames.
enum Attr : int {
  kObjectClass,
  kConsistency,
  kExternalId,
  kTargetAddress,
  kProxies,
  kMail,
  kUpn,
  kMailboxGuid,
  kArchiveGuid,
  kElcFlags,
  kRecipientTypeDetails,
  kRemoteRecipientType,
  kRecipientDisplayType,
  kHomeMdb,
  kWhenChanged,
  kUsnChanged,
  kAttrCount
};
constexpr std::array<std::string_view, kAttrCount> kNames = {attr::kObjectClass,
                                                             attr::kConsistencyGuid,
                                                             attr::kExternalDirectoryObjectId,
                                                             attr::kTargetAddress,
                                                             attr::kProxyAddresses,
                                                             attr::kMail,
                                                             attr::kUserPrincipalName,
                                                             attr::kMailboxGuid,
                                                             attr::kArchiveGuid,
                                                             attr::kElcMailboxFlags,
                                                             attr::kRecipientTypeDetails,
                                                             attr::kRemoteRecipientType,
                                                             attr::kRecipientDisplayType,
                                                             attr::kHomeMdb,
                                                             attr::kWhenChanged,
                                                             attr::kUsnChanged};

// The attributes the agent writes, each with its slot id (the index here).
constexpr std::array<Attr, 5> kWritable = {kMailboxGuid, kArchiveGuid, kProxies, kTargetAddress, kElcFlags};

int WritableId(Attr a) {
  const auto it = std::find(kWritable.begin(), kWritable.end(), a);
  return it == kWritable.end() ? -1 : static_cast<int>(it - kWritable.begin());
}

std::optional<Attr> AttrOf(std::string_view name) {
  for (int a = 0; a < kAttrCount; ++a) {
    if (agent::EqualsAscii(kNames[a], name)) return static_cast<Attr>(a);
  }
  return std::nullopt;
}

std::vector<int> Wanted(std::span<const std::string> attributes) {
  std::vector<int> out;
  for (const std::string& name : attributes) {
    if (auto a = AttrOf(name); a && std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
  }
  return out;
}

std::uint64_t Mix(std::uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::array<unsigned char, 8> kGuidTag = {0xc7, 0x1a, 0xfa, 0xdc, 0x0b, 0xe7, 0x4d, 0x8a};

std::string Num(std::size_t i) { return fmt::format("{:05}", i); }

AttributeValues Generated(std::size_t i, Attr a) {
  switch (a) {
    case kObjectClass:
      return {"top", "person", "organizationalPerson", "user"};
    case kConsistency: {
      // About half carry one, as in the lab (tests/lab/README.md "Seeded users").
      const std::uint64_t h = Mix(i);
      if ((h & 1) != 0) return {};
      std::string bytes(16, '\0');
      const std::uint64_t lo = Mix(h), hi = Mix(lo);
      std::memcpy(bytes.data(), &lo, 8);
      std::memcpy(bytes.data() + 8, &hi, 8);
      return {std::move(bytes)};
    }
    case kExternalId:
      return {"User_" + core_lab::GuidFor("target", i).ToString()};  // the row's target id (core_lab RowFor)
    case kTargetAddress:
      return {FakeDirectory::TargetAddressOf(i)};
    case kProxies:
      return {"SMTP:user" + Num(i) + "@target.example",
              "smtp:user" + Num(i) + "@targettenant.mail.onmicrosoft.com"};
    case kMail:
      return {"user" + Num(i) + "@target.example"};
    case kUpn:
      return {"ctim" + Num(i) + "@lab.example"};
    case kRecipientTypeDetails:
      return {"128"};
    case kRecipientDisplayType:
      return {"6"};
    default:
      return {};
  }
}

// Slot layout: u16 content length (0 = never written), u16 unused, u32 modifies applied; then entries
// [u8 writable id][u8 value count] then per value [u16 length][bytes].
constexpr std::size_t kSlotHeader = 8;

std::uint16_t Load16(const unsigned char* p) {
  std::uint16_t v = 0;
  std::memcpy(&v, p, 2);
  return v;
}
std::uint32_t Load32(const unsigned char* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return v;
}

bool SameValue(std::string_view attribute, std::string_view a, std::string_view b) {
  return attr::IsGuidValued(attribute) ? a == b : agent::EqualsFolded(a, b);
}

}  // namespace

Result<std::unique_ptr<FakeDirectory>> FakeDirectory::Create(std::size_t n) {
  void* mem = ::mmap(nullptr, n * kSlotBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mem == MAP_FAILED) {
    return Fail(Errc::kInternal, fmt::format("fake directory: cannot map {} bytes of slots", n * kSlotBytes));
  }
  // MAP_POPULATE is a hint; touch every page so the slots are resident before the baseline RSS is taken.
  auto* slots = static_cast<unsigned char*>(mem);
  for (std::size_t off = 0; off < n * kSlotBytes; off += 4096) slots[off] = 0;
  return std::unique_ptr<FakeDirectory>(new FakeDirectory(n, slots));
}

FakeDirectory::~FakeDirectory() { ::munmap(slots_, n_ * kSlotBytes); }

std::string FakeDirectory::DnOf(std::size_t i) {
  return "CN=CTIM User " + Num(i) + "," + std::string(kBaseDn);
}

std::string FakeDirectory::TargetAddressOf(std::size_t i) { return "SMTP:user" + Num(i) + "@source.example"; }

Guid FakeDirectory::ObjectGuidOf(std::size_t i) {
  std::array<unsigned char, 16> bytes{};
  std::copy(kGuidTag.begin(), kGuidTag.end(), bytes.begin());
  for (int b = 0; b < 8; ++b) bytes[15 - b] = static_cast<unsigned char>((i >> (8 * b)) & 0xff);
  return *Guid::FromAdBytes(std::span<const std::uint8_t>(bytes));
}

std::optional<std::size_t> FakeDirectory::IndexOf(const Guid& guid) const {
  const auto& b = guid.bytes();
  if (!std::equal(kGuidTag.begin(), kGuidTag.end(), b.begin())) return std::nullopt;
  std::size_t i = 0;
  for (int k = 8; k < 16; ++k) i = (i << 8) | b[k];
  if (i < 1 || i > n_) return std::nullopt;
  return i;
}

bool FakeDirectory::Written(std::size_t i, int w) const {
  const unsigned char* slot = slots_ + (i - 1) * kSlotBytes;
  const std::size_t used = Load16(slot);
  for (std::size_t p = kSlotHeader; p < kSlotHeader + used;) {
    const int id = slot[p];
    const int count = slot[p + 1];
    if (id == w) return true;
    p += 2;
    for (int v = 0; v < count; ++v) p += 2 + Load16(slot + p);
  }
  return false;
}

AttributeValues FakeDirectory::Writable(std::size_t i, int w) const {
  const unsigned char* slot = slots_ + (i - 1) * kSlotBytes;
  const std::size_t used = Load16(slot);
  for (std::size_t p = kSlotHeader; p < kSlotHeader + used;) {
    const int id = slot[p];
    const int count = slot[p + 1];
    p += 2;
    AttributeValues values;
    for (int v = 0; v < count; ++v) {
      const std::size_t len = Load16(slot + p);
      if (id == w) values.emplace_back(reinterpret_cast<const char*>(slot + p + 2), len);
      p += 2 + len;
    }
    if (id == w) return values;
  }
  return Generated(i, kWritable[static_cast<std::size_t>(w)]);
}

agent::DirectoryObject FakeDirectory::Generate(std::size_t i, std::span<const int> wanted) const {
  agent::DirectoryObject o;
  o.attributes.reserve(wanted.size());
  o.dn = DnOf(i);
  o.object_guid = ObjectGuidOf(i);
  o.object_sid = fmt::format("S-1-5-21-3623811015-3361044348-30300820-{}", 1100 + i);
  const unsigned char* slot = slots_ + (i - 1) * kSlotBytes;
  const std::uint32_t modifies = Load32(slot + 4);
  for (const int a : wanted) {
    AttributeValues values;
    if (a == kWhenChanged) {
      values = {modifies == 0 ? "20261201120000.0Z" : "20261207120000.0Z"};
    } else if (a == kUsnChanged) {
      values = {std::to_string(20000 + i + modifies * n_)};
    } else if (const int w = WritableId(static_cast<Attr>(a)); w >= 0) {
      values = Writable(i, w);
    } else {
      values = Generated(i, static_cast<Attr>(a));
    }
    if (!values.empty())
      o.attributes.emplace(kNames[static_cast<std::size_t>(a)], std::move(values));
  }
  o.attributes.shrink_to_fit();  // as the AD adapter's objects: room for the attributes present only
  return o;
}

Status FakeDirectory::LoadCandidates(std::span<const std::string> base_dns,
                                     std::span<const std::string> attributes,
                                     const std::function<Status(agent::DirectoryObject&&)>& visit) {
  constexpr std::size_t kPage = 1000;  // as the adapter's paged search hands them over
  std::vector<int> wanted;
  {
    const CpuScope cpu(cpu_ns_);
    wanted = Wanted(attributes);
  }
  for (const std::string& base : base_dns) {
    const std::string folded_base = agent::FoldCase(base), folded_ou = agent::FoldCase(kBaseDn);
    if (folded_base != folded_ou && !folded_ou.ends_with("," + folded_base)) continue;  // no users below it
    for (std::size_t first = 1; first <= n_; first += kPage) {
      std::vector<agent::DirectoryObject> page;
      {
        const std::lock_guard lock(mu_);
        const CpuScope cpu(cpu_ns_);
        ++stats_.loads;
        page.reserve(kPage);
        for (std::size_t i = first; i < first + kPage && i <= n_; ++i) page.push_back(Generate(i, wanted));
      }
      for (agent::DirectoryObject& o : page) {  // the caller's work: not counted as the directory's
        if (Status s = visit(std::move(o)); !s) return s;
      }
    }
  }
  return {};
}

Result<std::vector<std::optional<agent::DirectoryObject>>> FakeDirectory::ReadByGuids(
    std::span<const Guid> guids, std::span<const std::string> attributes) {
  const std::lock_guard lock(mu_);
  const CpuScope cpu(cpu_ns_);
  ++stats_.reads;
  const std::vector<int> wanted = Wanted(attributes);
  std::vector<std::optional<agent::DirectoryObject>> out;
  out.reserve(guids.size());
  for (const Guid& g : guids) {
    if (const auto i = IndexOf(g)) {
      out.emplace_back(Generate(*i, wanted));
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

Result<std::vector<agent::ProxyOwner>> FakeDirectory::FindProxyOwners(const std::set<std::string>& values) {
  const std::lock_guard lock(mu_);
  const CpuScope cpu(cpu_ns_);
  ++stats_.proxy_lookups;
  const int proxies = WritableId(kProxies);
  std::unordered_map<std::string, bool> folded;  // value (folded) -> asked
  for (const std::string& v : values) folded.emplace(agent::FoldCase(v), true);
  std::vector<agent::ProxyOwner> owners;
  auto owner = [&](std::size_t i, const std::string& value) {
    owners.push_back({value, DnOf(i), ObjectGuidOf(i)});
  };
  // Generated proxies (smtp:userNNNNN@...) of objects whose proxies were never written.
  for (const auto& [f, asked] : folded) {
    static constexpr std::string_view kPrefix = "smtp:user";
    if (!f.starts_with(kPrefix)) continue;
    const std::size_t at = f.find('@');
    if (at == std::string::npos) continue;
    const std::string digits = f.substr(kPrefix.size(), at - kPrefix.size());
    if (digits.empty() || digits.size() > 12 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const std::size_t i = std::stoull(digits);
    if (i < 1 || i > n_ || Num(i) != digits || Written(i, proxies)) continue;
    for (const std::string& p : Generated(i, kProxies)) {
      if (agent::FoldCase(p) == f) owner(i, p);
    }
  }
  // Every object whose proxies were written.
  if (stats_.objects_written > 0) {
    for (std::size_t i = 1; i <= n_; ++i) {
      if (Load16(slots_ + (i - 1) * kSlotBytes) == 0 || !Written(i, proxies)) continue;
      for (const std::string& p : Writable(i, proxies)) {
        if (folded.contains(agent::FoldCase(p))) owner(i, p);
      }
    }
  }
  return owners;
}

std::vector<Status> FakeDirectory::ApplyModifies(std::span<const agent::ModifyRequest> requests) {
  const std::lock_guard lock(mu_);
  const CpuScope cpu(cpu_ns_);
  std::vector<Status> out;
  out.reserve(requests.size());
  for (const agent::ModifyRequest& r : requests) {
    ++stats_.modifies;
    out.push_back(Apply(r));
    if (!out.back()) {
      if (out.back().error().code == Errc::kConflict) ++stats_.conflicts;
      if (out.back().error().code == Errc::kNotFound) ++stats_.not_found;
    }
  }
  return out;
}

Status FakeDirectory::Apply(const agent::ModifyRequest& request) {
  const auto index = IndexOf(request.object_guid);
  if (!index) {
    return Fail(Errc::kNotFound, "modify " + request.dn + ": no object with objectGUID " +
                                     request.object_guid.ToString() + " (noSuchObject)");
  }
  const std::size_t i = *index;
  std::array<std::optional<AttributeValues>, kWritable.size()> state;
  for (const agent::Modification& m : request.mods) {
    const auto a = AttrOf(m.attribute);
    const int w = a ? WritableId(*a) : -1;
    if (w < 0) {
      return Fail(Errc::kInternal,
                  "modify " + request.dn + ": the fake directory does not model writes of " + m.attribute);
    }
    if (m.values.empty()) {
      return Fail(Errc::kInternal, "modify " + request.dn + ": " + m.attribute + " operation without values");
    }
    auto& current = state[static_cast<std::size_t>(w)];
    if (!current) current = Writable(i, w);
    for (const std::string& v : m.values) {
      const auto it = std::find_if(current->begin(), current->end(),
                                   [&](const std::string& c) { return SameValue(m.attribute, c, v); });
      if (m.op == agent::ModOp::kDelete) {
        if (it == current->end()) {
          return Fail(Errc::kConflict, "modify " + request.dn + ": " + m.attribute + " has no value " +
                                           agent::DisplayValue(m.attribute, v) + " (noSuchAttribute)");
        }
        current->erase(it);
      } else {
        if (it != current->end()) {
          return Fail(Errc::kConflict, "modify " + request.dn + ": " + m.attribute + " already holds " +
                                           agent::DisplayValue(m.attribute, v) + " (attributeOrValueExists)");
        }
        if (!agent::EqualsAscii(m.attribute, attr::kProxyAddresses) && !current->empty()) {
          return Fail(Errc::kConflict, "modify " + request.dn + ": " + m.attribute +
                                           " is single-valued and has a value (constraintViolation)");
        }
        current->push_back(v);
      }
    }
  }
  // The new slot: every written attribute, the ones this modify touched with their new values.
  std::string content;
  for (std::size_t w = 0; w < kWritable.size(); ++w) {
    const int id = static_cast<int>(w);
    if (!state[w] && !Written(i, id)) continue;
    const AttributeValues values = state[w] ? *state[w] : Writable(i, id);
    if (values.size() > 255) return Fail(Errc::kInternal, "fake directory: more than 255 values");
    content += static_cast<char>(id);
    content += static_cast<char>(values.size());
    for (const std::string& v : values) {
      const auto len = static_cast<std::uint16_t>(std::min<std::size_t>(v.size(), 0xffff));
      content.append(reinterpret_cast<const char*>(&len), 2);
      content.append(v, 0, len);
    }
  }
  if (content.size() > kSlotBytes - kSlotHeader) {
    return Fail(Errc::kInternal, fmt::format("fake directory: {} needs {} bytes, more than its {}-byte slot",
                                             request.dn, content.size(), kSlotBytes - kSlotHeader));
  }
  unsigned char* slot = slots_ + (i - 1) * kSlotBytes;
  if (Load16(slot) == 0) ++stats_.objects_written;
  const auto used = static_cast<std::uint16_t>(content.size());
  const std::uint32_t modifies = Load32(slot + 4) + 1;
  std::memcpy(slot, &used, 2);
  std::memcpy(slot + 4, &modifies, 4);
  std::memcpy(slot + kSlotHeader, content.data(), content.size());
  stats_.max_slot_used = std::max(stats_.max_slot_used, kSlotHeader + content.size());
  return {};
}

FakeDirectory::Stats FakeDirectory::stats() const {
  const std::lock_guard lock(mu_);
  return stats_;
}

namespace {

class FakeConnection final : public agent::Directory {
 public:
  explicit FakeConnection(FakeDirectory& dir) : dir_(dir) {}
  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(agent::DirectoryObject&&)>& visit) override {
    return dir_.LoadCandidates(base_dns, attributes, visit);
  }
  Result<std::vector<std::optional<agent::DirectoryObject>>> ReadByGuids(
      std::span<const Guid> guids, std::span<const std::string> attributes) override {
    return dir_.ReadByGuids(guids, attributes);
  }
  Result<std::vector<agent::ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override {
    return dir_.FindProxyOwners(values);
  }
  [[nodiscard]] bool ProxyOwnersForestWide() const override { return dir_.ProxyOwnersForestWide(); }
  std::vector<Status> ApplyModifies(std::span<const agent::ModifyRequest> requests) override {
    return dir_.ApplyModifies(requests);
  }

 private:
  FakeDirectory& dir_;
};

}  // namespace

std::unique_ptr<agent::Directory> FakeDirectory::Connection() { return std::make_unique<FakeConnection>(*this); }

}  // namespace ctim::bench
