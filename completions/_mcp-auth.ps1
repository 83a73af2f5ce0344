
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mcp-auth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mcp-auth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mcp-auth' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check-provider', 'check-provider', [CompletionResultType]::ParameterValue, 'Discover an authorization server''s metadata and check it against every MCP requirement')
            [CompletionResult]::new('gen-metadata', 'gen-metadata', [CompletionResultType]::ParameterValue, 'Generate RFC 9728 protected-resource metadata and say where to serve it')
            [CompletionResult]::new('verify-token', 'verify-token', [CompletionResultType]::ParameterValue, 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes')
            [CompletionResult]::new('decode-token', 'decode-token', [CompletionResultType]::ParameterValue, 'Show a token''s header and claims WITHOUT verifying it')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Walk a live MCP server''s discovery chain as a client would and name the first broken link')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Probe a fleet of MCP servers at once: one verdict per server, a summary, optionally an HTML report')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a check: what it means, why clients care, the spec text, how to fix it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run everything against embedded servers on 127.0.0.1: no network, no account')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcp-auth;check-provider' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Which discovery documents to try. With --metadata-file: which kind of document the file is (auto: OpenID Connect when the file name contains "openid")')
            [CompletionResult]::new('--metadata-url', '--metadata-url', [CompletionResultType]::ParameterName, 'Fetch the metadata from this URL instead of discovering it')
            [CompletionResult]::new('--metadata-file', '--metadata-file', [CompletionResultType]::ParameterName, 'Validate an offline metadata document (no network; network checks are skipped)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;gen-metadata' {
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'The protected resource''s canonical URI (the MCP endpoint), e.g. https://api.example.com/mcp')
            [CompletionResult]::new('--authorization-server', '--authorization-server', [CompletionResultType]::ParameterName, 'Issuer of an authorization server that issues tokens for the resource (repeatable)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope the resource understands (repeatable)')
            [CompletionResult]::new('--bearer-method', '--bearer-method', [CompletionResultType]::ParameterName, 'How clients may send the token (default: header). `query` is refused')
            [CompletionResult]::new('--resource-name', '--resource-name', [CompletionResultType]::ParameterName, 'Human-readable name of the resource')
            [CompletionResult]::new('--resource-documentation', '--resource-documentation', [CompletionResultType]::ParameterName, 'URL of documentation for developers')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'URL of the resource''s own JWK Set')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the document to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Prompt for each field (needs a terminal on stdin and stderr)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Run the check-provider checks on every authorization server listed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;verify-token' {
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'The resource the token must be for (its canonical URI)')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'The expected issuer (its metadata gives the JWKS). Default: the token''s iss, only if the resource''s protected resource metadata lists it in authorization_servers')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'Key set to verify with: a URL or a file (offline)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Expected audience, if it differs from --resource')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope the token must carry (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed for exp/nbf/iat, in seconds')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Token profile: rfc9068 makes typ=at+jwt and its required claims MUST')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'With --batch: verify on this many threads (default: one per available core)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'With --batch: verify on this many threads (default: one per available core)')
            [CompletionResult]::new('--batch-detail', '--batch-detail', [CompletionResultType]::ParameterName, 'With --batch: what each line carries. compact: token prefix and fingerprint, ok, issuer, and the checks that did not pass; full: the whole verify-token JSON document')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Read one token per line from stdin and write one JSON result per line (MCP_AUTH_TOKEN is ignored)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;decode-token' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;probe' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A valid access token: check it is accepted, and that forged variants are rejected. `-` reads it from stdin (so it need not sit in argv)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope the token should carry (repeatable)')
            [CompletionResult]::new('--foreign-token', '--foreign-token', [CompletionResultType]::ParameterName, 'A valid token issued for ANOTHER resource (same authorization server): it must get 401 (audience check)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed for exp/nbf/iat, in seconds')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'A pre-registered client id (the first registration route)')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The pre-registered client''s secret (a confidential client)')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'A private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it: P-256 (signs ES256) or RSA of at least 2048 bits (signs RS256)')
            [CompletionResult]::new('--client-metadata-url', '--client-metadata-url', [CompletionResultType]::ParameterName, 'The https URL of this client''s Client ID Metadata Document (used when the server advertises support)')
            [CompletionResult]::new('--registration', '--registration', [CompletionResultType]::ParameterName, 'Registration route: the spec''s order (auto), or only one')
            [CompletionResult]::new('--grant', '--grant', [CompletionResultType]::ParameterName, 'The grant that obtains the token')
            [CompletionResult]::new('--callback-port', '--callback-port', [CompletionResultType]::ParameterName, 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)')
            [CompletionResult]::new('--login-timeout', '--login-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the authorization response')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Also call this tool after tools/list (opt-in: tools can have side effects)')
            [CompletionResult]::new('--call-args', '--call-args', [CompletionResultType]::ParameterName, 'JSON arguments for --call')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-insecure-token', '--allow-insecure-token', [CompletionResultType]::ParameterName, 'Send --token and --foreign-token even when the MCP endpoint is plain http on a host that is not loopback (they would travel in clear text; by default the token tests are skipped there)')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Log in first (as `login`, with the flags below and --scope), then probe with the token obtained')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin')
            [CompletionResult]::new('--no-resource', '--no-resource', [CompletionResultType]::ParameterName, 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)')
            [CompletionResult]::new('--test-refresh', '--test-refresh', [CompletionResultType]::ParameterName, 'Use the refresh token once and check resource, audience and rotation')
            [CompletionResult]::new('--audit', '--audit', [CompletionResultType]::ParameterName, 'Three extra authorization requests: a wrong code_verifier, a replayed code and an unregistered redirect URI must be refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;login' {
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'A pre-registered client id (the first registration route)')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The pre-registered client''s secret (a confidential client)')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'A private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it: P-256 (signs ES256) or RSA of at least 2048 bits (signs RS256)')
            [CompletionResult]::new('--client-metadata-url', '--client-metadata-url', [CompletionResultType]::ParameterName, 'The https URL of this client''s Client ID Metadata Document (used when the server advertises support)')
            [CompletionResult]::new('--registration', '--registration', [CompletionResultType]::ParameterName, 'Registration route: the spec''s order (auto), or only one')
            [CompletionResult]::new('--grant', '--grant', [CompletionResultType]::ParameterName, 'The grant that obtains the token')
            [CompletionResult]::new('--callback-port', '--callback-port', [CompletionResultType]::ParameterName, 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)')
            [CompletionResult]::new('--login-timeout', '--login-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the authorization response')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Also call this tool after tools/list (opt-in: tools can have side effects)')
            [CompletionResult]::new('--call-args', '--call-args', [CompletionResultType]::ParameterName, 'JSON arguments for --call')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scopes to request (space-separated), instead of the challenge''s or the metadata''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin')
            [CompletionResult]::new('--no-resource', '--no-resource', [CompletionResultType]::ParameterName, 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)')
            [CompletionResult]::new('--test-refresh', '--test-refresh', [CompletionResultType]::ParameterName, 'Use the refresh token once and check resource, audience and rotation')
            [CompletionResult]::new('--audit', '--audit', [CompletionResultType]::ParameterName, 'Three extra authorization requests: a wrong code_verifier, a replayed code and an unregistered redirect URI must be refused')
            [CompletionResult]::new('--print-token', '--print-token', [CompletionResultType]::ParameterName, 'Write the bare access token to stdout (the report goes to stderr)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;scan' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers probed at once. Whatever N, at most 2 requests are in flight per origin')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers probed at once. Whatever N, at most 2 requests are in flight per origin')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Seconds one server may take, all its requests together; a slower server is reported as not evaluated')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write a self-contained HTML report (summary, chart, sortable table) to FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;explain' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every check id')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;completions' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;demo' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'MCP authorization revision whose levels apply')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each HTTP request may take, connect to last byte')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra PEM trust root(s). TLS verification is never switched off')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--broken', '--broken', [CompletionResultType]::ParameterName, 'Also run against a deliberately misconfigured server (plain-only PKCE, issuer with a trailing slash, a JWKS that leaks its private key) and show what mcp-auth reports')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --output json')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'SHOULD-level findings (warn) also make the exit code 1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every check and the detail tables, as -v, without the request log')
            [CompletionResult]::new('--allow-private-addresses', '--allow-private-addresses', [CompletionResultType]::ParameterName, 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcp-auth;help' {
            [CompletionResult]::new('check-provider', 'check-provider', [CompletionResultType]::ParameterValue, 'Discover an authorization server''s metadata and check it against every MCP requirement')
            [CompletionResult]::new('gen-metadata', 'gen-metadata', [CompletionResultType]::ParameterValue, 'Generate RFC 9728 protected-resource metadata and say where to serve it')
            [CompletionResult]::new('verify-token', 'verify-token', [CompletionResultType]::ParameterValue, 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes')
            [CompletionResult]::new('decode-token', 'decode-token', [CompletionResultType]::ParameterValue, 'Show a token''s header and claims WITHOUT verifying it')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Walk a live MCP server''s discovery chain as a client would and name the first broken link')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Probe a fleet of MCP servers at once: one verdict per server, a summary, optionally an HTML report')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a check: what it means, why clients care, the spec text, how to fix it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run everything against embedded servers on 127.0.0.1: no network, no account')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcp-auth;help;check-provider' {
            break
        }
        'mcp-auth;help;gen-metadata' {
            break
        }
        'mcp-auth;help;verify-token' {
            break
        }
        'mcp-auth;help;decode-token' {
            break
        }
        'mcp-auth;help;probe' {
            break
        }
        'mcp-auth;help;login' {
            break
        }
        'mcp-auth;help;scan' {
            break
        }
        'mcp-auth;help;explain' {
            break
        }
        'mcp-auth;help;completions' {
            break
        }
        'mcp-auth;help;demo' {
            break
        }
        'mcp-auth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
