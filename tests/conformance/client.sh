#!/usr/bin/env bash
# The conformance suite's client command: `conformance client --command tests/conformance/client.sh`
# appends the MCP server URL and passes credentials in MCP_CONFORMANCE_CONTEXT (JSON). This maps them to
# `mcp-auth login` flags. Its mock authorization endpoint answers with an immediate 302, so curl as
# BROWSER completes the flow.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${*: -1}"
bin="${MCP_AUTH_BIN:-$here/../../target/debug/mcp-auth}"
# A private key in the context (private_key_jwt) is written to a file removed on exit.
KEY_FILE="$(mktemp)"; export KEY_FILE; trap 'rm -f "$KEY_FILE"' EXIT
"$here/node_modules/.bin/node" -e '
  const c = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || "{}");
  if (c.private_key_pem) require("fs").writeFileSync(process.env.KEY_FILE, c.private_key_pem);
'
# One flag per line, from the context's members (node is the pinned Node 22 of this folder).
mapfile -t flags < <("$here/node_modules/.bin/node" -e '
  const c = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || "{}");
  c.name = c.name || process.env.MCP_CONFORMANCE_SCENARIO || "";
  const out = [];
  if (c.client_id) out.push("--client-id", c.client_id);
  if (c.client_secret) out.push("--client-secret", c.client_secret);
  // private_key_jwt: the key goes to a file of this run (client.sh writes it; see below).
  if (c.private_key_pem) out.push("--client-key", process.env.KEY_FILE);
  if ((c.name || "").startsWith("auth/client-credentials")) out.push("--grant", "client-credentials");
  // The step-up scenario guards tools/call with a wider scope than tools/list: call a tool to reach it.
  if (c.name === "auth/scope-step-up") out.push("--call", "test-tool");
  // Scenarios of a revision before protected resource metadata: judge them by that revision.
  if (c.name.startsWith("auth/2025-03-26")) out.push("--spec", "2025-03-26");
  for (const f of out) console.log(f);
')
export BROWSER="curl -sS -L --max-redirs 3 -o /dev/null"
"$bin" login "$url" --login-timeout 20 \
  --client-metadata-url https://conformance-test.local/client-metadata.json "${flags[@]}"
