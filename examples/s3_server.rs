//! A local S3-compatible server over a folder (`s3s-fs`: each subfolder is a bucket), for
//! testing scripts that read inputs from object storage (`scripts/wheel_test.sh`):
//!
//! ```sh
//! cargo run --release --example s3_server -- ROOT
//! ```
//!
//! It binds a free port of 127.0.0.1, prints its endpoint (`http://127.0.0.1:PORT`) on the
//! first line of stdout, and serves until it is killed. The access key is `llm-audit-test`, the
//! secret `llm-audit-test-secret`, the region `us-east-1`.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its endpoint.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).ok_or("usage: s3_server ROOT")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let folder = s3s_fs::FileSystem::new(&root).map_err(|err| format!("{root}: {err:?}"))?;
    let mut builder = s3s::service::S3ServiceBuilder::new(folder);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(
        "llm-audit-test",
        "llm-audit-test-secret",
    ));
    let service = builder.build();
    let mut out = std::io::stdout().lock();
    writeln!(out, "http://{}", listener.local_addr()?)?;
    out.flush()?;
    drop(out);
    runtime.block_on(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone());
            tokio::spawn(connection);
        }
    })
}
