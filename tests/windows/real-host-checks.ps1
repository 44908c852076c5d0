<#
.SYNOPSIS
  The checks of the Windows build that Wine cannot make (doc/windows.md, "Tests under Wine and what needs a
  real Windows host"). Run as an administrator on a disposable, domain-joined Windows Server 2016+ test
  machine: it installs, starts, stops and uninstalls ctim-agent.

.EXAMPLE
  .\real-host-checks.ps1 -Msi .\ctim-agent.msi -NewerMsi .\ctim-agent-next.msi `
      -Config .\lab.toml -UntrustedLdapsUrl ldaps://dc-with-untrusted-cert.contoso.com -CtimFile .\test-users.csv
  -Config is a working ctim-agent.toml for this domain ([ldap] with Negotiate, [cloud]); it is copied to
  %ProgramData%\ctim-agent\ctim-agent.toml. Each check prints PASS, FAIL or NOT RUN with the reason; the
  exit code is the number of FAILs. -CtimFile is a CTIM identities file for test users of this domain only
  (check 4b writes it and rolls it back).
#>
param(
  [Parameter(Mandatory)] [string] $Msi,
  [string] $NewerMsi = "",
  [Parameter(Mandatory)] [string] $Config,
  [string] $UntrustedLdapsUrl = "",
  [string] $CtimFile = ""
)
$ErrorActionPreference = "Stop"
$failures = 0
function Result([string] $name, [bool] $ok, [string] $detail) {
  if ($ok) { Write-Host "PASS     $name  $detail" } else { Write-Host "FAIL     $name  $detail"; $script:failures++ }
}
function NotRun([string] $name, [string] $why) { Write-Host "NOT RUN  $name  $why" }
$exe = Join-Path $env:ProgramFiles "ctim-agent\ctim-agent.exe"
$data = Join-Path $env:ProgramData "ctim-agent"

# 1. MSI install: files, the service and its account (its path quoted: it contains a space), no start by
#    the installer.
$p = Start-Process msiexec.exe -ArgumentList "/i `"$Msi`" /qn /l*v `"$env:TEMP\ctim-install.log`"" -Wait -PassThru
Result "msi.install" ($p.ExitCode -eq 0) "msiexec exit $($p.ExitCode)"
$svc = Get-CimInstance Win32_Service -Filter "Name='ctim-agent'"
Result "msi.service" ($null -ne $svc -and $svc.StartMode -eq "Auto" -and $svc.StartName -eq "NT SERVICE\ctim-agent" -and
  $svc.PathName -match '^"[^"]+ctim-agent\.exe" serve$') "$($svc.StartName) $($svc.StartMode) $($svc.PathName)"
Result "msi.not_started" ($svc.State -eq "Stopped") $svc.State

# 2. The folder ACLs: SYSTEM, Administrators and the service account only; no inherited Users entry.
$acl = Get-Acl $data
$who = $acl.Access | ForEach-Object { $_.IdentityReference.Value } | Sort-Object -Unique
$allowed = @("NT AUTHORITY\SYSTEM", "BUILTIN\Administrators", "NT SERVICE\ctim-agent")
$extra = $who | Where-Object { $allowed -notcontains $_ }
Result "acl.programdata" ($acl.AreAccessRulesProtected -and -not $extra) "entries: $($who -join ', ')"
foreach ($d in "inbox", "processed", "failed", "outbox", "journal", "logs") {
  $sub = Get-Acl (Join-Path $data $d)
  $users = $sub.Access | Where-Object { $_.IdentityReference.Value -match 'Users|Everyone' }
  Result "acl.$d" ($null -eq $users) "$(($sub.Access | ForEach-Object { $_.IdentityReference.Value }) -join ', ')"
}

# 3. A secret file that Users may read is refused by `config`, with an icacls hint.
Copy-Item $Config (Join-Path $data "ctim-agent.toml") -Force
$out = & $exe config 2>&1 | Out-String
Result "config.valid" ($LASTEXITCODE -eq 0) ($out.Trim() -split "`n" | Select-Object -First 1)
$secret = Join-Path $env:TEMP "ctim-readable-secret.txt"
Set-Content $secret "not-a-real-secret"
icacls $secret /grant "*S-1-5-32-545:R" | Out-Null
$probe = Join-Path $env:TEMP "ctim-probe.toml"
Set-Content $probe "[cloud]`ntenant_id = `"t`"`nclient_id = `"c`"`nclient_secret_file = '$secret'`n"
$out = & $exe config --config $probe 2>&1 | Out-String
Result "secret.acl_refused" ($LASTEXITCODE -ne 0 -and $out -match "icacls") ($out.Trim() -split "`n" | Select-Object -First 1)

# 4. Kerberos Negotiate with sign and seal (the [ldap] of -Config): `doctor` reports the mechanism.
$out = & $exe doctor --format json 2>&1 | Out-String
Result "ldap.negotiate_sign_seal" ($LASTEXITCODE -eq 0 -and $out -match '(?i)negotiate|kerberos') "doctor exit $LASTEXITCODE"

# 4b. plan, write and rollback against the DC (Wine 8's Wldap32 stalls on LDAPS answers of more than a few
#     entries, so they are not run under Wine): write, then rollback restores every value.
if ($CtimFile) {
  $out = & $exe plan $CtimFile --no-progress 2>&1 | Out-String
  Result "cli.plan" ($LASTEXITCODE -le 1) "plan exit $LASTEXITCODE"
  $out = & $exe write $CtimFile --no-progress 2>&1 | Out-String
  Result "cli.write" ($LASTEXITCODE -le 1) "write exit $LASTEXITCODE"
  $runs = & $exe runs --format json | ConvertFrom-Json
  $run = ($runs.runs | Where-Object { $_.kind -eq "write" } | Select-Object -Last 1).id
  $out = & $exe rollback $run --no-progress 2>&1 | Out-String
  Result "cli.rollback" ($LASTEXITCODE -eq 0) "rollback $run exit $LASTEXITCODE"
} else { NotRun "cli.plan_write_rollback" "give -CtimFile (a CTIM file for test users of this domain)" }

# 5. LDAPS certificate validation: a DC whose certificate does not chain to a trusted CA must be refused.
if ($UntrustedLdapsUrl) {
  $bad = Join-Path $env:TEMP "ctim-untrusted.toml"
  (Get-Content $Config -Raw) -replace '(?m)^url\s*=.*$', "url = `"$UntrustedLdapsUrl`"" | Set-Content $bad
  $out = & $exe doctor --config $bad 2>&1 | Out-String
  Result "ldaps.untrusted_refused" ($LASTEXITCODE -ne 0) ($out.Trim() -split "`n" | Select-Object -Last 1)
} else { NotRun "ldaps.untrusted_refused" "give -UntrustedLdapsUrl (a DC or proxy with a certificate from an untrusted CA)" }

# 6. Signing with a certificate in LocalMachine\My (NCrypt, non-exportable key): with -Config's [cloud]
#    naming certificate_thumbprint, Entra accepts the assertion (verify gets a token: exit 0 or 1, not 3).
if ((Get-Content $Config -Raw) -match '(?m)^certificate_thumbprint\s*=' -and $CtimFile) {
  $out = & $exe verify --file $CtimFile --interval 5 --deadline 30 --no-progress 2>&1 | Out-String
  Result "cloud.cert_store_signing" ($LASTEXITCODE -le 1) "verify exit $LASTEXITCODE $(($out.Trim() -split "`n" | Select-Object -Last 1))"
} else { NotRun "cloud.cert_store_signing" "give -CtimFile and a -Config whose [cloud] has certificate_thumbprint" }

# 7. The service under the SCM: start, the Event Log entries, a stop within the wait hint, the log file.
$since = Get-Date
Start-Service ctim-agent
Start-Sleep -Seconds 5
Result "scm.running" ((Get-Service ctim-agent).Status -eq "Running") "$((Get-Service ctim-agent).Status)"
Stop-Service ctim-agent
$stopped = (Get-Service ctim-agent).Status
Result "scm.stopped" ($stopped -eq "Stopped") "$stopped"
$events = Get-WinEvent -FilterHashtable @{ LogName = "Application"; ProviderName = "ctim-agent"; StartTime = $since } -ErrorAction SilentlyContinue
$texts = $events | ForEach-Object { $_.Message }
Result "eventlog.started" (($texts -match "started by the Service Control Manager").Count -ge 1) "$($events.Count) event(s)"
Result "eventlog.stopped" (($texts -match "serve stopped|ended with exit code").Count -ge 1) "message text rendered from ctim-agent.exe"
Result "logs.file" (Test-Path (Join-Path $data "logs\ctim-agent.log")) "logs\ctim-agent.log"

# 8. Upgrade: a newer MSI replaces the exe and keeps the service, its account and the data.
if ($NewerMsi) {
  $p = Start-Process msiexec.exe -ArgumentList "/i `"$NewerMsi`" /qn" -Wait -PassThru
  $svc = Get-CimInstance Win32_Service -Filter "Name='ctim-agent'"
  Result "msi.upgrade" ($p.ExitCode -eq 0 -and $null -ne $svc -and (Test-Path (Join-Path $data "ctim-agent.toml"))) "exit $($p.ExitCode)"
} else { NotRun "msi.upgrade" "give -NewerMsi (a build with a higher version)" }

# 9. Uninstall: service and program files gone.
$p = Start-Process msiexec.exe -ArgumentList "/x `"$Msi`" /qn" -Wait -PassThru
if ($NewerMsi) { $p = Start-Process msiexec.exe -ArgumentList "/x `"$NewerMsi`" /qn" -Wait -PassThru }
Result "msi.uninstall" ($null -eq (Get-Service ctim-agent -ErrorAction SilentlyContinue) -and -not (Test-Path $exe)) "exit $($p.ExitCode)"
exit $failures
