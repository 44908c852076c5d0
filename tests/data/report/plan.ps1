# ctim-agent plan --format powershell
# file: /srv/ctim/identities.csv
# generated: 2026-12-06T08:00:00.000Z
# 16 row(s): 12 to change (37 attribute change(s)), 1 already as planned, 2 refused, 1 skipped, 12 warning(s)
# Run in the Exchange Management Shell (Exchange Server 2019 Management Tools) with the ActiveDirectory
# module loaded. Objects are named by objectGUID. Refused and skipped rows are comments only.
# Afterwards, check the cloud the same way: ctim-agent verify --file /srv/ctim/identities.csv
$ErrorActionPreference = 'Stop'

# row 2 (u01@fabrikam.example) -> CN=u01,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000001' -ExchangeGuid '000000e1-0000-4000-8000-000000000001' -ExternalEmailAddress 'SMTP:u01@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u01'}

# row 3 (u02@fabrikam.example) -> CN=u02,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000002' -ExchangeGuid '000000e1-0000-4000-8000-000000000002' -ExternalEmailAddress 'SMTP:u02@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/cn=O''Brien’’; Remove-Item C:\ ‘‘'}

# row 4 (u03@fabrikam.example) -> CN=u03,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
#   msExchELCMailboxFlags was 130 (Set-* replaces it without checking; run plan again right before)
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000003' -ExchangeGuid '000000e1-0000-4000-8000-000000000003' -ExternalEmailAddress 'SMTP:u03@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u03'}
Set-ADUser -Identity '0000000b-0000-4000-8000-000000000003' -Replace @{msExchELCMailboxFlags=154}

# row 5 (u04@fabrikam.example) -> CN=u04,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000004' -ExchangeGuid '000000e1-0000-4000-8000-000000000004' -ExternalEmailAddress 'SMTP:u04@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u04'}

# row 6 (u05@fabrikam.example) -> CN=u05,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000005' -ExchangeGuid '000000e1-0000-4000-8000-000000000005' -ExternalEmailAddress 'SMTP:u05@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u05'}

# row 7 (u06@fabrikam.example) -> CN=u06,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000006' -ExchangeGuid '000000e1-0000-4000-8000-000000000006' -ExternalEmailAddress 'SMTP:u06@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u06'}

# row 8 (u07@fabrikam.example) -> CN=u07,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000007' -ExchangeGuid '000000e1-0000-4000-8000-000000000007' -ExternalEmailAddress 'SMTP:u07@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u07'}

# row 9 (u08@fabrikam.example) -> CN=u08,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000008' -ExchangeGuid '000000e1-0000-4000-8000-000000000008' -ExternalEmailAddress 'SMTP:u08@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u08'}

# row 10 (u09@fabrikam.example) -> CN=u09,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-000000000009' -ExchangeGuid '000000e1-0000-4000-8000-000000000009' -ExternalEmailAddress 'SMTP:u09@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u09'}

# row 11 (u10@fabrikam.example) -> CN=u10,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-00000000000a' -ExchangeGuid '000000e1-0000-4000-8000-00000000000a' -ExternalEmailAddress 'SMTP:u10@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u10'}

# row 12 (u11@fabrikam.example) -> CN=u11,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-00000000000b' -ExchangeGuid '000000e1-0000-4000-8000-00000000000b' -ExternalEmailAddress 'SMTP:u11@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u11'}

# row 13 (u12@fabrikam.example) -> CN=u12,OU=CTIM,DC=lab,DC=example  change
#   R8 warning: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com — add smtp:<alias>@contoso.mail.onmicrosoft.com (email address policy); otherwise the move fails at completion
Set-MailUser -Identity '0000000b-0000-4000-8000-00000000000c' -ExchangeGuid '000000e1-0000-4000-8000-00000000000c' -ExternalEmailAddress 'SMTP:u12@fabrikam.example' -EmailAddresses @{Add='X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=u12'}

# row 14 (u13@fabrikam.example) -> CN=u13,OU=CTIM,DC=lab,DC=example  refused
#   R4 refused: msExchMailboxGuid is already 000000ee-0000-4000-8000-00000000000d (a previous mailbox's GUID; the move will not start) — if the object never had a mailbox that must be kept, rerun with --overwrite-guid

# row 15 (u14@fabrikam.example) -> CN=u14,OU=CTIM,DC=lab,DC=example  refused
#   R6 refused: X500:/o=Fabrikam/cn=u14 is already on CN==cmd|' /C calc'!A0,OU=CTIM,DC=lab,DC=example — remove it from the other object, or fix the row

# row 16 (u15@fabrikam.example)  skipped
#   unmapped note: TargetExternalDirectoryObjectId is empty — map the user in the target tenant, download the file again

# row 17 (u16@fabrikam.example) -> CN=u16,OU=CTIM,DC=lab,DC=example  no-change
