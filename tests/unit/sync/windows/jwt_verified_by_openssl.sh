#!/bin/sh
# The CNG signer's JWTs, verified by OpenSSL on Linux (doc/windows.md, "Signing the client assertion").
# For PS256 and RS256, and for the key as PKCS#8 and as PKCS#1: the signature verifies with the
# certificate's public key, a flipped byte does not, the x5t#S256 / x5t header is the certificate's hash
# and the printed thumbprint is OpenSSL's SHA-1 fingerprint. Then the refusals: an encrypted key, another
# certificate's key.
# Usage: jwt_verified_by_openssl.sh WINE SIGN_EXE PKI_DIR WORK_DIR
set -eu
wine=$1 exe=$2 pki=$3 work=$4
mkdir -p "$work"
b64url_decode() { tr '_-' '/+' | awk '{ n = length($0) % 4; if (n == 2) $0 = $0 "=="; else if (n == 3) $0 = $0 "="; print }' | base64 -d; }
b64url() { base64 -w0 | tr '/+' '_-' | tr -d '='; }
fail() { echo "FAIL: $*" >&2; exit 1; }
openssl x509 -in "$pki/app.pem" -pubkey -noout >"$work/app.pub"
sha256=$(openssl x509 -in "$pki/app.pem" -outform DER | openssl dgst -sha256 -binary | b64url)
sha1=$(openssl x509 -in "$pki/app.pem" -outform DER | openssl dgst -sha1 -binary | b64url)
fingerprint=$(openssl x509 -in "$pki/app.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
checked=0
for mode in PS256 RS256; do
  for key in app_pkcs8.key app_pkcs1.key; do
    out=$("$wine" "$exe" $mode "$pki/app.pem" "$pki/$key" | tr -d '\r') || fail "$mode $key: signing failed"
    jwt=$(echo "$out" | sed -n 1p)
    [ "$(echo "$out" | sed -n 2p)" = "$fingerprint" ] || fail "$mode $key: thumbprint differs from OpenSSL's"
    header=$(echo "$jwt" | cut -d. -f1 | b64url_decode)
    echo "$header" | grep -q "\"alg\":\"$mode\"" || fail "$mode $key: header $header"
    if [ $mode = PS256 ]; then
      echo "$header" | grep -q "\"x5t#S256\":\"$sha256\"" || fail "$mode $key: x5t#S256 in $header"
      opts="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256"
    else
      echo "$header" | grep -q "\"x5t\":\"$sha1\"" || fail "$mode $key: x5t in $header"
      opts=""
    fi
    printf '%s' "$(echo "$jwt" | cut -d. -f1-2)" >"$work/signed"
    echo "$jwt" | cut -d. -f3 | b64url_decode >"$work/sig"
    # shellcheck disable=SC2086
    openssl dgst -sha256 -verify "$work/app.pub" $opts -signature "$work/sig" "$work/signed" >/dev/null ||
      fail "$mode $key: OpenSSL does not verify the signature"
    printf 'x' >>"$work/signed"
    # shellcheck disable=SC2086
    if openssl dgst -sha256 -verify "$work/app.pub" $opts -signature "$work/sig" "$work/signed" >/dev/null 2>&1; then
      fail "$mode $key: a changed input still verifies"
    fi
    checked=$((checked + 1))
  done
done
[ $checked -eq 4 ] || fail "checked $checked of 4"
msg=$("$wine" "$exe" PS256 "$pki/app.pem" "$pki/app_encrypted.key" 2>&1) && fail "encrypted key accepted"
echo "$msg" | grep -q "private key is encrypted" || fail "encrypted key: $msg"
msg=$("$wine" "$exe" PS256 "$pki/app.pem" "$pki/other_app.key" 2>&1) && fail "foreign key accepted"
echo "$msg" | grep -q "does not belong to the certificate" || fail "foreign key: $msg"
echo "4 JWTs verified by OpenSSL; encrypted and foreign keys refused"
