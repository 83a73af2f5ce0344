# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mcp_auth_global_optspecs
    string join \n output= json spec= strict timeout= cacert= q/quiet v/verbose all allow-private-addresses color= h/help V/version
end

function __fish_mcp_auth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mcp_auth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mcp_auth_using_subcommand
    set -l cmd (__fish_mcp_auth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "check-provider" -d 'Discover an authorization server\'s metadata and check it against every MCP requirement'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "gen-metadata" -d 'Generate RFC 9728 protected-resource metadata and say where to serve it'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "verify-token" -d 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "decode-token" -d 'Show a token\'s header and claims WITHOUT verifying it'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "probe" -d 'Walk a live MCP server\'s discovery chain as a client would and name the first broken link'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "login" -d 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "scan" -d 'Probe a fleet of MCP servers at once: one verdict per server, a summary, optionally an HTML report'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "explain" -d 'Explain a check: what it means, why clients care, the spec text, how to fix it'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "demo" -d 'Run everything against embedded servers on 127.0.0.1: no network, no account'
complete -c mcp-auth -n "__fish_mcp_auth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l type -d 'Which discovery documents to try. With --metadata-file: which kind of document the file is (auto: OpenID Connect when the file name contains "openid")' -r -f -a "auto\t'Try every URL MCP clients try, in their order'
oauth\t'RFC 8414 only'
oidc\t'OpenID Connect Discovery only'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l metadata-url -d 'Fetch the metadata from this URL instead of discovering it' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l metadata-file -d 'Validate an offline metadata document (no network; network checks are skipped)' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand check-provider" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l resource -d 'The protected resource\'s canonical URI (the MCP endpoint), e.g. https://api.example.com/mcp' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l authorization-server -d 'Issuer of an authorization server that issues tokens for the resource (repeatable)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l scope -d 'A scope the resource understands (repeatable)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l bearer-method -d 'How clients may send the token (default: header). `query` is refused' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l resource-name -d 'Human-readable name of the resource' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l resource-documentation -d 'URL of documentation for developers' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l jwks-uri -d 'URL of the resource\'s own JWK Set' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l out -d 'Write the document to FILE (atomically) instead of stdout' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l interactive -d 'Prompt for each field (needs a terminal on stdin and stderr)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l verify -d 'Run the check-provider checks on every authorization server listed'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand gen-metadata" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l resource -d 'The resource the token must be for (its canonical URI)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l issuer -d 'The expected issuer (its metadata gives the JWKS). Default: the token\'s iss, only if the resource\'s protected resource metadata lists it in authorization_servers' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l jwks -d 'Key set to verify with: a URL or a file (offline)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l audience -d 'Expected audience, if it differs from --resource' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l scope -d 'A scope the token must carry (repeatable)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l leeway -d 'Clock skew allowed for exp/nbf/iat, in seconds' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l algorithm -d 'Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l profile -d 'Token profile: rfc9068 makes typ=at+jwt and its required claims MUST' -r -f -a "rfc9068\t'JWT access tokens per RFC 9068'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -s j -l jobs -d 'With --batch: verify on this many threads (default: one per available core)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l batch-detail -d 'With --batch: what each line carries. compact: token prefix and fingerprint, ok, issuer, and the checks that did not pass; full: the whole verify-token JSON document' -r -f -a "compact\t'Token prefix and fingerprint, ok, issuer, and only the checks that did not pass'
full\t'The full verify-token JSON document on each line'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l batch -d 'Read one token per line from stdin and write one JSON result per line (MCP_AUTH_TOKEN is ignored)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand verify-token" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand decode-token" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l token -d 'A valid access token: check it is accepted, and that forged variants are rejected. `-` reads it from stdin (so it need not sit in argv)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l scope -d 'A scope the token should carry (repeatable)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l foreign-token -d 'A valid token issued for ANOTHER resource (same authorization server): it must get 401 (audience check)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l leeway -d 'Clock skew allowed for exp/nbf/iat, in seconds' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l algorithm -d 'Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l client-id -d 'A pre-registered client id (the first registration route)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l client-secret -d 'The pre-registered client\'s secret (a confidential client)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l client-key -d 'A private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it: P-256 (signs ES256) or RSA of at least 2048 bits (signs RS256)' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l client-metadata-url -d 'The https URL of this client\'s Client ID Metadata Document (used when the server advertises support)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l registration -d 'Registration route: the spec\'s order (auto), or only one' -r -f -a "auto\t''
pre-registered\t''
cimd\t''
dcr\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l grant -d 'The grant that obtains the token' -r -f -a "authorization-code\t''
client-credentials\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l callback-port -d 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l login-timeout -d 'Seconds to wait for the authorization response' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l call -d 'Also call this tool after tools/list (opt-in: tools can have side effects)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l call-args -d 'JSON arguments for --call' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l allow-insecure-token -d 'Send --token and --foreign-token even when the MCP endpoint is plain http on a host that is not loopback (they would travel in clear text; by default the token tests are skipped there)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l login -d 'Log in first (as `login`, with the flags below and --scope), then probe with the token obtained'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l no-browser -d 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l no-resource -d 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l test-refresh -d 'Use the refresh token once and check resource, audience and rotation'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l audit -d 'Three extra authorization requests: a wrong code_verifier, a replayed code and an unregistered redirect URI must be refused'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand probe" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l client-id -d 'A pre-registered client id (the first registration route)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l client-secret -d 'The pre-registered client\'s secret (a confidential client)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l client-key -d 'A private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it: P-256 (signs ES256) or RSA of at least 2048 bits (signs RS256)' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l client-metadata-url -d 'The https URL of this client\'s Client ID Metadata Document (used when the server advertises support)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l registration -d 'Registration route: the spec\'s order (auto), or only one' -r -f -a "auto\t''
pre-registered\t''
cimd\t''
dcr\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l grant -d 'The grant that obtains the token' -r -f -a "authorization-code\t''
client-credentials\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l callback-port -d 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l login-timeout -d 'Seconds to wait for the authorization response' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l call -d 'Also call this tool after tools/list (opt-in: tools can have side effects)' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l call-args -d 'JSON arguments for --call' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l scope -d 'Scopes to request (space-separated), instead of the challenge\'s or the metadata\'s' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l no-browser -d 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l no-resource -d 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l test-refresh -d 'Use the refresh token once and check resource, audience and rotation'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l audit -d 'Three extra authorization requests: a wrong code_verifier, a replayed code and an unregistered redirect URI must be refused'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l print-token -d 'Write the bare access token to stdout (the report goes to stderr)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand login" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -s j -l jobs -d 'Servers probed at once. Whatever N, at most 2 requests are in flight per origin' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l deadline -d 'Seconds one server may take, all its requests together; a slower server is reported as not evaluated' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l html -d 'Also write a self-contained HTML report (summary, chart, sortable table) to FILE' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand scan" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l list -d 'List every check id'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand explain" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l output -d 'Output format' -r -f -a "human\t'For people: the verdict, then each problem and its fix (-v: every check)'
json\t'One JSON document on stdout (--batch: one per line)'
junit\t'JUnit XML, one testcase per check, for CI test reporters'
github\t'GitHub Actions workflow commands: one ::error/::warning annotation per finding'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l spec -d 'MCP authorization revision whose levels apply' -r -f -a "2025-03-26\t''
2025-06-18\t''
2025-11-25\t''
2026-07-28\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l timeout -d 'Seconds each HTTP request may take, connect to last byte' -r
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l cacert -d 'Extra PEM trust root(s). TLS verification is never switched off' -r -F
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l broken -d 'Also run against a deliberately misconfigured server (plain-only PKCE, issuer with a trailing slash, a JWKS that leaks its private key) and show what mcp-auth reports'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l json -d 'Shorthand for --output json'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l strict -d 'SHOULD-level findings (warn) also make the exit code 1'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -s q -l quiet -d 'Print only the verdict'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -s v -l verbose -d 'Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request (method, URL, status, time) on stderr, tokens redacted'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l all -d 'Every check and the detail tables, as -v, without the request log'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -l allow-private-addresses -d 'Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects). Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses)'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand demo" -s V -l version -d 'Print version'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "check-provider" -d 'Discover an authorization server\'s metadata and check it against every MCP requirement'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "gen-metadata" -d 'Generate RFC 9728 protected-resource metadata and say where to serve it'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "verify-token" -d 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "decode-token" -d 'Show a token\'s header and claims WITHOUT verifying it'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "probe" -d 'Walk a live MCP server\'s discovery chain as a client would and name the first broken link'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "login" -d 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "scan" -d 'Probe a fleet of MCP servers at once: one verdict per server, a summary, optionally an HTML report'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "explain" -d 'Explain a check: what it means, why clients care, the spec text, how to fix it'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "completions" -d 'Print a shell completion script'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "demo" -d 'Run everything against embedded servers on 127.0.0.1: no network, no account'
complete -c mcp-auth -n "__fish_mcp_auth_using_subcommand help; and not __fish_seen_subcommand_from check-provider gen-metadata verify-token decode-token probe login scan explain completions demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
