
use builtin;
use str;

set edit:completion:arg-completer[mcp-auth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mcp-auth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mcp-auth'= {
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check-provider 'Discover an authorization server''s metadata and check it against every MCP requirement'
            cand gen-metadata 'Generate RFC 9728 protected-resource metadata and say where to serve it'
            cand verify-token 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes'
            cand decode-token 'Show a token''s header and claims WITHOUT verifying it'
            cand probe 'Walk a live MCP server''s discovery chain as a client would and name the first broken link'
            cand login 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check'
            cand explain 'Explain a check: what it means, why clients care, the spec text, how to fix it'
            cand completions 'Print a shell completion script'
            cand demo 'Run everything against embedded servers on 127.0.0.1: no network, no account'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcp-auth;check-provider'= {
            cand --type 'Which discovery documents to try. With --metadata-file: which kind of document the file is (auto: OpenID Connect when the file name contains "openid")'
            cand --metadata-url 'Fetch the metadata from this URL instead of discovering it'
            cand --metadata-file 'Validate an offline metadata document (no network; network checks are skipped)'
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;gen-metadata'= {
            cand --resource 'The protected resource''s canonical URI (the MCP endpoint), e.g. https://api.example.com/mcp'
            cand --authorization-server 'Issuer of an authorization server that issues tokens for the resource (repeatable)'
            cand --scope 'A scope the resource understands (repeatable)'
            cand --bearer-method 'How clients may send the token (default: header). `query` is refused'
            cand --resource-name 'Human-readable name of the resource'
            cand --resource-documentation 'URL of documentation for developers'
            cand --jwks-uri 'URL of the resource''s own JWK Set'
            cand --out 'Write the document to FILE (atomically) instead of stdout'
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --interactive 'Prompt for each field (needs a terminal on stdin and stderr)'
            cand --verify 'Run the check-provider checks on every authorization server listed'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;verify-token'= {
            cand --resource 'The resource the token must be for (its canonical URI)'
            cand --issuer 'The expected issuer (its metadata gives the JWKS). Default: the token''s iss, only if the resource''s protected resource metadata lists it in authorization_servers'
            cand --jwks 'Key set to verify with: a URL or a file (offline)'
            cand --audience 'Expected audience, if it differs from --resource'
            cand --scope 'A scope the token must carry (repeatable)'
            cand --leeway 'Clock skew allowed for exp/nbf/iat, in seconds'
            cand --algorithm 'Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA'
            cand --profile 'Token profile: rfc9068 makes typ=at+jwt and its required claims MUST'
            cand -j 'With --batch: verify on this many threads (default: one per available core)'
            cand --jobs 'With --batch: verify on this many threads (default: one per available core)'
            cand --batch-detail 'With --batch: what each line carries. compact: token prefix and fingerprint, ok, issuer, and the checks that did not pass; full: the whole verify-token JSON document'
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --batch 'Read one token per line from stdin and write one JSON result per line (MCP_AUTH_TOKEN is ignored)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;decode-token'= {
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;probe'= {
            cand --token 'A valid access token: check it is accepted, and that forged variants are rejected'
            cand --scope 'A scope the token should carry (repeatable)'
            cand --foreign-token 'A valid token issued for ANOTHER resource (same authorization server): it must get 401 (audience check)'
            cand --client-id 'A pre-registered client id (the first registration route)'
            cand --client-secret 'The pre-registered client''s secret (a confidential client)'
            cand --client-key 'A P-256 private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it'
            cand --client-metadata-url 'The https URL of this client''s Client ID Metadata Document (used when the server advertises support)'
            cand --registration 'Registration route: the spec''s order (auto), or only one'
            cand --grant 'The grant that obtains the token'
            cand --callback-port 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)'
            cand --login-timeout 'Seconds to wait for the authorization response'
            cand --call 'Also call this tool after tools/list (opt-in: tools can have side effects)'
            cand --call-args 'JSON arguments for --call'
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-private-addresses 'Connect to private, link-local or loopback addresses when the MCP server is public (metadata, JWKS, redirects)'
            cand --login 'Log in first (as `login`, with the flags below and --scope), then probe with the token obtained'
            cand --no-browser 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin'
            cand --no-resource 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)'
            cand --test-refresh 'Use the refresh token once and check resource, audience and rotation'
            cand --audit 'Two extra authorizations: a wrong code_verifier and a replayed code must be refused'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;login'= {
            cand --client-id 'A pre-registered client id (the first registration route)'
            cand --client-secret 'The pre-registered client''s secret (a confidential client)'
            cand --client-key 'A P-256 private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it'
            cand --client-metadata-url 'The https URL of this client''s Client ID Metadata Document (used when the server advertises support)'
            cand --registration 'Registration route: the spec''s order (auto), or only one'
            cand --grant 'The grant that obtains the token'
            cand --callback-port 'Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port)'
            cand --login-timeout 'Seconds to wait for the authorization response'
            cand --call 'Also call this tool after tools/list (opt-in: tools can have side effects)'
            cand --call-args 'JSON arguments for --call'
            cand --scope 'Scopes to request (space-separated), instead of the challenge''s or the metadata''s'
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --no-browser 'Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin'
            cand --no-resource 'Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant)'
            cand --test-refresh 'Use the refresh token once and check resource, audience and rotation'
            cand --audit 'Two extra authorizations: a wrong code_verifier and a replayed code must be refused'
            cand --print-token 'Write the bare access token to stdout (the report goes to stderr)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;explain'= {
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --list 'List every check id'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;completions'= {
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;demo'= {
            cand --output 'Output format'
            cand --spec 'MCP authorization revision whose levels apply'
            cand --timeout 'Seconds each HTTP request may take, connect to last byte'
            cand --cacert 'Extra PEM trust root(s). TLS verification is never switched off'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --broken 'Also run against a deliberately misconfigured server (plain-only PKCE, issuer with a trailing slash, a JWKS that leaks its private key) and show what mcp-auth reports'
            cand --json 'Shorthand for --output json'
            cand --strict 'SHOULD-level findings (warn) also make the exit code 1'
            cand -q 'Print only the verdict'
            cand --quiet 'Print only the verdict'
            cand -v 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand --verbose 'Show each HTTP request (method, URL, status, time) on stderr; tokens are redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcp-auth;help'= {
            cand check-provider 'Discover an authorization server''s metadata and check it against every MCP requirement'
            cand gen-metadata 'Generate RFC 9728 protected-resource metadata and say where to serve it'
            cand verify-token 'Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes'
            cand decode-token 'Show a token''s header and claims WITHOUT verifying it'
            cand probe 'Walk a live MCP server''s discovery chain as a client would and name the first broken link'
            cand login 'Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check'
            cand explain 'Explain a check: what it means, why clients care, the spec text, how to fix it'
            cand completions 'Print a shell completion script'
            cand demo 'Run everything against embedded servers on 127.0.0.1: no network, no account'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcp-auth;help;check-provider'= {
        }
        &'mcp-auth;help;gen-metadata'= {
        }
        &'mcp-auth;help;verify-token'= {
        }
        &'mcp-auth;help;decode-token'= {
        }
        &'mcp-auth;help;probe'= {
        }
        &'mcp-auth;help;login'= {
        }
        &'mcp-auth;help;explain'= {
        }
        &'mcp-auth;help;completions'= {
        }
        &'mcp-auth;help;demo'= {
        }
        &'mcp-auth;help;help'= {
        }
    ]
    $completions[$command]
}
