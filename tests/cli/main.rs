//! One integration-test binary: each module runs the built `mcp-auth` against embedded servers on
//! 127.0.0.1 (`mcp_auth::server`, the same code `mcp-auth demo` uses). Nothing here reaches the internet.

mod check_provider;
mod decode_token;
mod demo;
mod explain;
mod gen_metadata;
mod hostile;
mod leak;
mod login;
mod outputs;
mod probe;
mod providers;
mod scan;
mod support;
mod ux;
mod verify_token;
