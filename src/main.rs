fn main() -> std::process::ExitCode {
    mcp_auth::cli::main(std::env::args_os())
}
