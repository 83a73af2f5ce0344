//! One module per subcommand; each handler has the subcommand's name.

pub mod check_provider;
pub mod completions;
pub mod decode_token;
pub mod demo;
pub mod explain;
pub mod gen_metadata;
pub mod login;
pub mod probe;
pub mod scan;
pub mod verify_token;
