// Paging::kWhenLimited against the lab DC (Samba sets no MaxPageSize: one unpaged pass, handed over in
// chunks) and through tests/lab/ad_limits_proxy.py, which gives the DC Active Directory's MaxPageSize
// (an unpaged search ends with sizeLimitExceeded after N entries): the search continues with the
// paged-results control and hands over every entry exactly once.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ldap/connection.h"
#include "ldap/ldap_error.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

constexpr int kContacts = 25;

// The proxy as a child process, stopped (SIGTERM, then SIGKILL) by its PID when destroyed.
class AdLimitsProxy {
 public:
  AdLimitsProxy(const lab::LabEnv& lab, int max_page_size) {
    const std::string tls = std::filesystem::path(lab.ca).parent_path().string();
    const std::vector<std::string> argv = {"/usr/bin/python3",
                                           std::string(CTIM_SOURCE_DIR) + "/tests/lab/ad_limits_proxy.py",
                                           "--cert", tls + "/cert.pem", "--key", tls + "/key.pem", "--ca", lab.ca,
                                           "--max-page-size", std::to_string(max_page_size), "--max-runtime",
                                           "120"};
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      _exit(127);
    }
    ::close(out[1]);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[64];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    if (line.starts_with("port ")) port_ = std::stoi(line.substr(5));
  }
  AdLimitsProxy(const AdLimitsProxy&) = delete;
  AdLimitsProxy& operator=(const AdLimitsProxy&) = delete;
  ~AdLimitsProxy() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      ::usleep(100'000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class LdapPaging : public lab::LabTest {
 protected:
  void SetUp() override {
    lab::LabTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < kContacts; ++i) {
      Attributes attrs;
      attrs["objectClass"] = {"contact"};
      ASSERT_OK(admin().Add(fmt::format("CN=c{:03},{}", i, ou()), attrs));
    }
  }

  SearchRequest Contacts(Paging paging, int page_size) const {
    SearchRequest req;
    req.base = ou();
    req.scope = Scope::kOneLevel;
    req.filter = "(objectClass=contact)";
    req.attributes = {"cn"};
    req.page_size = page_size;
    req.paging = paging;
    return req;
  }

  // Starts the proxy with AD's limit at `max_page_size` and connects as the admin through it (TLS with the
  // lab's certificate, which names 127.0.0.1). The proxy lives until the test ends.
  Result<Connection> ThroughProxy(int max_page_size) {
    proxy_ = std::make_unique<AdLimitsProxy>(lab_, max_page_size);
    if (proxy_->port() <= 0) return Fail(Errc::kUnavailable, "tests/lab/ad_limits_proxy.py did not start");
    ConnectOptions o = lab::AdminLdaps(lab_);
    o.url = fmt::format("ldaps://127.0.0.1:{}", proxy_->port());
    return Connection::Open(o);
  }
  std::unique_ptr<AdLimitsProxy> proxy_;

  struct Visits {
    std::vector<std::size_t> chunks;      // size of each visitor call
    std::map<std::string, int> times_cn;  // how often each cn was handed over
  };

  static Status Run(Connection& conn, const SearchRequest& req, Visits& v) {
    return conn.SearchPages(req, [&](std::vector<Entry>& page) -> Status {
      v.chunks.push_back(page.size());
      for (const Entry& e : page) ++v.times_cn[std::string(e.First("cn"))];
      return {};
    });
  }

  static void ExpectEachContactOnce(const Visits& v) {
    EXPECT_EQ(v.times_cn.size(), static_cast<std::size_t>(kContacts));
    for (const auto& [cn, times] : v.times_cn) EXPECT_EQ(times, 1) << cn << " handed over " << times << " times";
  }
};

TEST_F(LdapPaging, WhenLimitedOnSambaIsOneUnpagedPassInChunks) {
  Visits v;
  ASSERT_OK(Run(admin(), Contacts(Paging::kWhenLimited, 10), v));
  EXPECT_EQ(v.chunks, (std::vector<std::size_t>{10, 10, 5}));
  ExpectEachContactOnce(v);
}

TEST_F(LdapPaging, WhenLimitedHonoursTheCallersSizeLimit) {
  SearchRequest req = Contacts(Paging::kWhenLimited, 10);
  req.size_limit = 12;
  Visits v;
  ASSERT_OK(Run(admin(), req, v));
  EXPECT_EQ(v.chunks, (std::vector<std::size_t>{10, 2}));
  // The connection is usable after the abandoned search.
  EXPECT_OK(admin().Read(ou(), {"ou"}));
}

TEST_F(LdapPaging, TheProxyEnforcesMaxPageSizeOnUnpagedSearches) {
  // Proves the fixture: without paging, the "AD" answers sizeLimitExceeded after 7 entries.
  auto conn = ThroughProxy(7);
  ASSERT_OK(conn);
  Visits v;
  const Status st = Run(*conn, Contacts(Paging::kAlways, 0), v);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("Size limit exceeded (4)"), std::string::npos) << st.error().ToString();
}

TEST_F(LdapPaging, WhenLimitedContinuesPagedAfterTheServersLimit) {
  auto conn = ThroughProxy(7);
  ASSERT_OK(conn);
  Visits v;
  ASSERT_OK(Run(*conn, Contacts(Paging::kWhenLimited, 10), v));
  ExpectEachContactOnce(v);
  // The 7 entries of the unpaged pass, then pages of 10 without those 7.
  ASSERT_GE(v.chunks.size(), 2u);
  EXPECT_EQ(v.chunks.front(), 7u);
  // Paged searches pass the proxy untouched; the connection still works for them.
  Visits paged;
  ASSERT_OK(Run(*conn, Contacts(Paging::kAlways, 10), paged));
  EXPECT_EQ(paged.chunks, (std::vector<std::size_t>{10, 10, 5}));
  ExpectEachContactOnce(paged);
}

TEST_F(LdapPaging, WhenLimitedBelowTheServersLimitNeverPages) {
  auto conn = ThroughProxy(100);
  ASSERT_OK(conn);
  Visits v;
  ASSERT_OK(Run(*conn, Contacts(Paging::kWhenLimited, 1000), v));
  EXPECT_EQ(v.chunks, (std::vector<std::size_t>{25}));
  ExpectEachContactOnce(v);
}

}  // namespace
}  // namespace ctim::ldap
