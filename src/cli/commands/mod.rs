//! One module per subcommand; each handler has the subcommand's name.

pub mod check_provider;
pub mod completions;
pub mod decode_token;
pub mod explain;
pub mod verify_token;
