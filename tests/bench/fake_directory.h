// An in-process directory for `write_bench --fake-dc`: the agent's own write path (read, plan, journal,
// write, re-read) runs against it with no DC, so the benchmark sees the agent's CPU and memory alone.
//
// It holds N user objects shaped like the lab's seeded users (tests/lab/README.md "Seeded users") after Entra
// Connect has synced them: every value of user i is generated from i when asked for (DN, objectGUID,
// objectSid, objectClass, mail, UPN, targetAddress, two SMTP proxies, MailUser recipient type,
// mS-DS-ConsistencyGuid on about half, msDS-ExternalDirectoryObjectId "User_<target id>" with the target id
// core_lab's RowFor puts in the CTIM row). Only what the agent writes is stored: one fixed slot of kSlotBytes
// per object, mapped and faulted in by the constructor, so the directory's memory does not grow during a run
// and the benchmark can subtract it exactly (it is part of the RSS measured after construction).
//
// Semantics as the AD adapter reports them (agent/model/directory.h): a modify applies all its operations or
// none; deleting a value the object does not hold, adding one it holds (proxyAddresses compares values
// case-insensitively, GUID attributes byte-exact) or adding a second value to a single-valued attribute is
// Errc::kConflict; an unknown objectGUID is Errc::kNotFound. Writes are modelled for the attributes the agent
// writes (attr::WrittenAttributes); a modify of any other attribute fails with kInternal naming it.
// (tests/unit/agent/in_memory_directory.h has the same modify semantics but holds whole objects, too much
// memory at a million users.) Thread-safe (one mutex). Its own CPU (thread CPU clock around each call,
// excluding the time the caller's visitor runs inside LoadCandidates) is counted so the benchmark can
// subtract it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agent/model/directory.h"

namespace ctim::bench {

class FakeDirectory final : public agent::Directory {
 public:
  static constexpr std::size_t kSlotBytes = 512;  // per object, for everything the agent writes to it
  static constexpr std::string_view kBaseDn = "OU=CTIM,DC=lab,DC=example";

  // Users 1..n. Fails (kInternal) when the slots cannot be mapped.
  static Result<std::unique_ptr<FakeDirectory>> Create(std::size_t n);
  ~FakeDirectory() override;
  FakeDirectory(const FakeDirectory&) = delete;
  FakeDirectory& operator=(const FakeDirectory&) = delete;

  // The generated values the CTIM file is built from (user i, 1-based), as in the lab's seed manifest.
  [[nodiscard]] static std::string DnOf(std::size_t i);
  [[nodiscard]] static std::string TargetAddressOf(std::size_t i);  // "SMTP:user00042@source.example"
  [[nodiscard]] static Guid ObjectGuidOf(std::size_t i);

  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(agent::DirectoryObject&&)>& visit) override;
  Result<std::vector<std::optional<agent::DirectoryObject>>> ReadByGuids(
      std::span<const Guid> guids, std::span<const std::string> attributes) override;
  Result<std::vector<agent::ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override;
  [[nodiscard]] bool ProxyOwnersForestWide() const override { return true; }
  std::vector<Status> ApplyModifies(std::span<const agent::ModifyRequest> requests) override;

  // A second connection to this directory, as the write engine opens one for its re-reads
  // (RunSettings::open_reader): every call goes to this directory, under its lock.
  [[nodiscard]] std::unique_ptr<agent::Directory> Connection();

  // The directory's own CPU so far (every thread that called it), in nanoseconds.
  [[nodiscard]] std::int64_t cpu_ns() const { return cpu_ns_.load(); }
  // Its memory: the slots (mapped and resident from construction on).
  [[nodiscard]] std::size_t slot_bytes() const { return n_ * kSlotBytes; }
  // The largest slot content written so far, and how many objects were modified / modifies refused.
  struct Stats {
    std::size_t max_slot_used = 0, objects_written = 0, modifies = 0, conflicts = 0, not_found = 0;
    std::size_t loads = 0, reads = 0, proxy_lookups = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  FakeDirectory(std::size_t n, unsigned char* slots) : n_(n), slots_(slots) {}

  // 1..n for a GUID this directory generated, else nullopt.
  [[nodiscard]] std::optional<std::size_t> IndexOf(const Guid& guid) const;
  // User i with the attributes asked for (canonical names); the caller holds mu_.
  [[nodiscard]] agent::DirectoryObject Generate(std::size_t i, std::span<const int> wanted) const;
  // The current values of writable attribute `w` of user i (stored, else generated); the caller holds mu_.
  [[nodiscard]] agent::AttributeValues Writable(std::size_t i, int w) const;
  [[nodiscard]] bool Written(std::size_t i, int w) const;
  [[nodiscard]] Status Apply(const agent::ModifyRequest& request);

  const std::size_t n_;
  unsigned char* const slots_;  // n_ * kSlotBytes, mmap'ed
  mutable std::mutex mu_;
  std::atomic<std::int64_t> cpu_ns_{0};
  Stats stats_;
};

}  // namespace ctim::bench
