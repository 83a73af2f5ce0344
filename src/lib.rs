//! mcp-auth: diagnose and provision OAuth authorization for MCP (Model Context Protocol) servers.
//!
//! The library holds all logic (discovery, HTTP, the check catalogue, evaluation, rendering); the
//! `mcp-auth` binary is a thin layer over [`cli::main`].

pub mod catalogue;
pub mod challenge;
pub mod cli;
pub mod discovery;
pub mod error;
pub mod exit;
pub mod http;
pub mod json;
pub mod jwt;
pub mod metadata;
pub mod outcomes;
pub mod probe;
pub mod provider;
pub mod render;
pub mod report;
pub mod resource_metadata;
pub mod rules;
pub mod sanitize;
pub mod server;
pub mod spec;
pub mod time;
pub mod verify;
