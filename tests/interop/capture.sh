#!/usr/bin/env bash
# Starts the real peers and prints what they serve (discovery documents, the 401 challenge, a minted
# token's header and claims), then mcp-auth's findings on them. Used to write README.md in this directory.
# Usage: tests/interop/capture.sh [path/to/mcp-auth]   (after `npm ci --prefix tests/interop`)
set -euo pipefail
cd "$(dirname "$0")"
BIN=${1:-../../target/debug/mcp-auth}
exec 3< <(sleep 180)                       # the peers exit when this stdin closes
coproc PEERS { node start.mjs <&3 2>/dev/null; }
read -r READY <&"${PEERS[0]}"
I=$(jq -r .issuer <<<"$READY"); M=$(jq -r .mcp <<<"$READY"); B=${M%/mcp}
show() { echo "\$ curl -si $*"; curl -si "$@" | grep -iv '^\(date\|etag\|keep-alive\|connection\|x-powered-by\|vary\):' | tr -d '\r'; echo; echo; }
show "$I/.well-known/oauth-authorization-server"
show -o /dev/null -w '%{http_code} %{content_type}\n' "$I/.well-known/openid-configuration"
show "$I/jwks"
show "$B/.well-known/oauth-protected-resource/mcp"
show "$B/.well-known/oauth-protected-resource"
show -o /dev/null -w '%{http_code} %{content_type}\n' "$B/.well-known/oauth-authorization-server"
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}'
show -X POST "$M" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' -d "$INIT"
AT=$(curl -s "$I/token" -d grant_type=client_credentials -d client_id=interop-client \
  -d client_secret=interop-secret-0123456789abcdef -d "resource=$M" -d scope=mcp:read | jq -r .access_token)
FT=$(curl -s "$I/token" -d grant_type=client_credentials -d client_id=interop-client \
  -d client_secret=interop-secret-0123456789abcdef -d "resource=$B/other" -d scope=mcp:read | jq -r .access_token)
echo "token header: $(cut -d. -f1 <<<"$AT" | tr '_-' '/+' | base64 -d 2>/dev/null || true)"
echo "token claims: $(cut -d. -f2 <<<"$AT" | tr '_-' '/+' | base64 -d 2>/dev/null || true)"
echo
echo "\$ curl -si -X POST $M -H 'authorization: Bearer <the token with its last character changed>' ..."
curl -si -X POST "$M" -H "authorization: Bearer ${AT%?}A" -H 'content-type: application/json' \
  -H 'accept: application/json, text/event-stream' -d "$INIT" | grep -i '^\(HTTP\|www-authenticate\)' | tr -d '\r'
echo
REG='{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code"],"response_types":["code"]}'
echo "\$ curl -s $I/reg -H 'content-type: application/json' -d '$REG'   # dynamic client registration, public client"
CLIENT=$(curl -s "$I/reg" -H 'content-type: application/json' -d "$REG")
jq -c '{client_id, token_endpoint_auth_method, grant_types}' <<<"$CLIENT"
CID=$(jq -r .client_id <<<"$CLIENT")
echo
echo "\$ curl -si '$I/auth?client_id=...&response_type=code&redirect_uri=...&scope=openid'   # no code_challenge"
curl -si "$I/auth?client_id=$CID&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=openid" \
  | grep -i '^\(HTTP\|location\)' | tr -d '\r'
echo
echo "\$ curl -si '$I/auth?...&code_challenge=...&code_challenge_method=plain'"
curl -si "$I/auth?client_id=$CID&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=openid&code_challenge=abcdefghijabcdefghijabcdefghijabcdefghij123&code_challenge_method=plain" \
  | grep -i '^\(HTTP\|location\)' | tr -d '\r'
echo
echo "\$ mcp-auth check-provider $I --json | jq '[.checks[] | select(.status != \"pass\")]'"
"$BIN" check-provider "$I" --json | jq -c '.checks[] | select(.status != "pass") | {id, status, message}' || true
echo
echo "\$ mcp-auth check-provider $B --json   # the MCP server's origin"
"$BIN" check-provider "$B" --json | jq -c '.checks[] | select(.status == "fail") | {id, status, message}' || true
echo
echo "\$ mcp-auth verify-token <token> --resource $M --issuer $I --json   # non-pass checks"
"$BIN" verify-token "$AT" --resource "$M" --issuer "$I" --json | jq -c '.summary, (.checks[] | select(.status != "pass") | {id, status, message})' || true
echo
echo "\$ mcp-auth verify-token <token> --resource $M --json   # no --issuer: the issuer comes from the PRM"
"$BIN" verify-token "$AT" --resource "$M" --json | jq -c '.summary, (.checks[] | select(.status != "pass") | {id, status, message})' || true
echo
echo "\$ mcp-auth probe $M --json   # non-pass checks"
"$BIN" probe "$M" --json | jq -c '.summary, {protocol_revision}, (.checks[] | select(.status != "pass") | {id, status, message})' || true
echo
echo "\$ mcp-auth probe $M --token <token> --foreign-token <token for $B/other> --json   # request shapes, rs-* checks that are not pass"
"$BIN" probe "$M" --token "$AT" --foreign-token "$FT" --json \
  | jq -c '.summary, {protocol_revision}, .request_shapes[], (.checks[] | select((.id | startswith("rs-")) and .status != "pass") | {id, status, message})' || true
echo
echo "\$ mcp-auth gen-metadata --resource $M --authorization-server $I --scope mcp:read --scope mcp:write --resource-name ..."
"$BIN" gen-metadata --resource "$M" --authorization-server "$I" --scope mcp:read --scope mcp:write \
  --resource-name 'mcp-auth interop MCP server' 2>/dev/null | jq -cS . || true
echo "served by the SDK:"
curl -s "$B/.well-known/oauth-protected-resource/mcp" | jq -cS .
