// [ldap] -> the AD adapter's options (DC and GC), and the SHA-256 the journal records for the CTIM file.
#include "service/directory_setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "private_file.h"
#include "service/file_digest.h"

namespace ctim::service {
namespace {

// std::filesystem only (no mkdtemp): these tests run on Windows too.
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    std::random_device random;
    for (int attempt = 0; !ec && attempt < 100 && path_.empty(); ++attempt) {
      const std::filesystem::path dir = base / ("ctim-svc-" + std::to_string(random()));
      if (std::filesystem::create_directory(dir, ec)) path_ = dir.string();
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name, const std::string& content) const {
    const std::string p = (std::filesystem::path(path_) / name).string();
    std::ofstream(p, std::ios::binary) << content;
    EXPECT_TRUE(testing::MakeOwnerOnly(p)) << p;
    return p;
  }

 private:
  std::string path_;
};

TEST(DirectorySetup, GssapiUsesTheKeytabAndTheGcGetsTheSameCredentials) {
  Config c;
  c.ldap.url = "ldap://dc1.contoso.example";
  c.ldap.keytab = "/etc/ctim-agent/svc.keytab";
  c.ldap.krb5_config = "/etc/krb5.conf";
  c.ldap.gc_url = "ldap://dc1.contoso.example:3268";
  c.ldap.window = 32;
  c.ldap.timeout_seconds = 5;
  auto o = ToDirectoryOptions(c);
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->dc.bind, ldap::BindMethod::kGssapi);
  EXPECT_EQ(o->dc.keytab, "/etc/ctim-agent/svc.keytab");
  ASSERT_TRUE(o->gc);
  EXPECT_EQ(o->gc->url, "ldap://dc1.contoso.example:3268");
  EXPECT_EQ(o->gc->keytab, o->dc.keytab);
  EXPECT_EQ(o->window, 32u);
  EXPECT_EQ(o->dc.operation_timeout, std::chrono::seconds(5));
  c.ldap.gc_url.clear();
  EXPECT_FALSE(ToDirectoryOptions(c)->gc);

  // A simple bind whose GC URL is plain ldap:// would send the password in clear: refused, naming gc_url.
  TempDir dir;
  c.ldap.url = "ldaps://dc1.contoso.example";
  c.ldap.bind = "simple";
  c.ldap.bind_dn = "CN=svc-ctim,CN=Users,DC=contoso,DC=example";
  c.ldap.password_file = dir.File("pw", "secret\n");
  c.ldap.gc_url = "ldap://dc1.contoso.example:3268";
  auto plain = ToDirectoryOptions(c);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, Errc::kInvalidInput);
  EXPECT_NE(plain.error().message.find("gc_url ldap://dc1.contoso.example:3268"), std::string::npos)
      << plain.error().message;
}

TEST(FileDigest, Sha256OfKnownContent) {
  TempDir dir;
  auto abc = Sha256OfFile(dir.File("abc", "abc"));
  ASSERT_TRUE(abc) << abc.error().ToString();
  EXPECT_EQ(*abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2 example
  auto none = Sha256OfFile(dir.File("empty", ""));
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_FALSE(Sha256OfFile("/nonexistent/file"));
}

}  // namespace
}  // namespace ctim::service
