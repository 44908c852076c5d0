#!/bin/sh
# Test PKI for the Windows sync tests (made with OpenSSL on Linux, used under Wine):
#   ca.pem              a test CA, added to the Wine prefix's LocalMachine\Root by win_trust_ca.exe
#   localhost.{pem,key}  server certificate from that CA for DNS:localhost
#   other.{pem,key}     from the same CA for other.invalid only (the wrong-name server)
#   selfsigned.{pem,key} self-signed for localhost (the untrusted server)
#   app.pem app_pkcs8.key app_pkcs1.key app_encrypted.key   the app's signing certificate and its key forms
# Usage: make_test_pki.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
[ -f done ] && exit 0
q() { "$@" >/dev/null 2>&1 || { echo "make_test_pki: failed: $*" >&2; exit 1; }; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=ctim-win-test-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
issue() {  # name dns
  q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
  q openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out "$1.pem" -extfile "$1.ext"
}
issue localhost localhost
issue other other.invalid
q openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days 30 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost
q openssl req -x509 -newkey rsa:2048 -nodes -keyout app_pkcs8.key -out app.pem -days 30 -subj /CN=ctim-win-test-app
q openssl rsa -in app_pkcs8.key -traditional -out app_pkcs1.key
q openssl pkey -in app_pkcs8.key -aes256 -passout pass:secret -out app_encrypted.key
q openssl req -x509 -newkey rsa:2048 -nodes -keyout other_app.key -out other_app.pem -days 30 -subj /CN=other
grep -q 'BEGIN PRIVATE KEY' app_pkcs8.key && grep -q 'BEGIN RSA PRIVATE KEY' app_pkcs1.key
touch done
