// Test helper (never shipped): writes a journal holding one write run as a migration weekend leaves it,
// through the real Journal API: 40 rows, 3 refused and 1 unmapped (findings), 36 objects written, 8 verify
// passes 30 minutes apart with the tenant's sync cycles, and the final verdicts. One DN carries HTML that a
// report must escape. Prints the run id. Usage: make_report_journal JOURNAL
#include <cstdio>
#include <string>
#include <vector>

#include "agent/model/attributes.h"
#include "agent/journal/journal.h"

using namespace ctim;
using namespace ctim::agent;

namespace {

Guid Numbered(unsigned prefix, unsigned n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", prefix, n);
  return *Guid::Parse(buf);
}

std::string At(int minutes) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-12-05T%02d:%02d:00.000Z", 20 + minutes / 60, minutes % 60);
  return buf;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "make_report_journal: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_report_journal JOURNAL\n");
    return 2;
  }
  auto journal = Journal::Open(argv[1]);
  if (!journal) return Fail(journal.error());
  RunInfo info;
  info.file_path = "/srv/ctim/fabrikam-identities.csv";
  info.file_sha256 = "5f1c0ffee0000000000000000000000000000000000000000000000000000000";
  auto run = journal->BeginRun(info);
  if (!run) return Fail(run.error());

  constexpr unsigned kRows = 40, kWritten = 36;
  std::vector<IntentToRecord> intents;
  for (unsigned n = 1; n <= kWritten; ++n) {
    IntentToRecord t;
    t.change_set.row = n + 1;
    t.change_set.dn = n == 7 ? "CN=<img src=x onerror=alert(1)>,OU=CTIM,DC=lab,DC=example"
                             : "CN=user" + std::to_string(n) + ",OU=CTIM,DC=lab,DC=example";
    t.change_set.object_guid = Numbered(0x0b, n);
    t.change_set.target_object_id = Numbered(0x7a, n);
    t.change_set.changes = {
        {std::string(attr::kMailboxGuid), ChangeKind::kSet, {}, {Numbered(0xe1, n).AdBytes()}},
        {std::string(attr::kProxyAddresses),
         ChangeKind::kAddValues,
         {},
         {"X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=user" + std::to_string(n)}}};
    intents.push_back(std::move(t));
  }
  auto ids = journal->RecordIntents(*run, intents);
  if (!ids) return Fail(ids.error());
  std::vector<OutcomeToRecord> outcomes;
  for (IntentId id : *ids) outcomes.push_back({id, OutcomeState::kConfirmed, ""});
  if (Status s = journal->RecordOutcomes(*run, outcomes); !s) return Fail(s.error());

  std::vector<RowFindingRecord> findings;
  for (unsigned n = kWritten + 1; n <= kWritten + 3; ++n) {
    findings.push_back(
        {n + 1, "row " + std::to_string(n + 1) + " (user" + std::to_string(n) + "@fabrikam.example)",
         Numbered(0x7a, n).ToString(), "R4", "refused",
         "msExchMailboxGuid is already " + Numbered(0xee, n).ToString() + " (a previous mailbox's GUID)",
         "if the object never had a mailbox that must be kept, rerun with --overwrite-guid"});
  }
  findings.push_back({kRows + 1, "row 41 (user40@fabrikam.example)", "", "unmapped", "note",
                      "TargetExternalDirectoryObjectId is empty", "map the user in the target tenant"});
  if (Status s = journal->RecordRowFindings(*run, findings); !s) return Fail(s.error());
  if (Status s = journal->FinishRun(*run, RunState::kFinished,
                                    "wrote 36 objects (36 confirmed), 3 refused, 1 skipped");
      !s) {
    return Fail(s.error());
  }

  // The weekend: a pass every 30 minutes, Entra Connect's cycle ending every 30 minutes in between.
  const unsigned done[] = {0, 0, 9, 18, 27, 31, 33, 33};
  const unsigned wrong[] = {0, 0, 0, 1, 1, 2, 2, 2};
  for (int pass = 0; pass < 8; ++pass) {
    const std::string sync = pass == 0 ? "" : At(pass * 30 - 12);
    VerifyPassRecord r{At(pass * 30 + 5), done[pass], kWritten - done[pass] - wrong[pass], wrong[pass], sync};
    if (Status s = journal->RecordVerifyPass(*run, r); !s) return Fail(s.error());
  }
  std::vector<VerificationRecord> verdicts;
  for (unsigned n = 1; n <= kWritten; ++n) {
    VerificationRecord v;
    v.object_guid = Numbered(0x0b, n);
    v.target_object_id = Numbered(0x7a, n);
    v.row = n + 1;
    if (n <= 33) {
      v.status = VerifyStatus::kDone;
      v.detail = "all 2 planned values are in Exchange Online";
    } else if (n <= 35) {
      v.status = VerifyStatus::kWrong;
      v.detail = "Exchange Online holds another ExchangeGuid \u2014 check the object in Exchange Online";
    } else {
      v.status = VerifyStatus::kPending;
      v.detail = "no directory sync has finished since the write";
    }
    verdicts.push_back(std::move(v));
  }
  if (Status s = journal->RecordVerifications(*run, verdicts); !s) return Fail(s.error());
  std::printf("%lld\n", static_cast<long long>(*run));
  return 0;
}
