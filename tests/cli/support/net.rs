//! Network plumbing for the CLI-behaviour tests, in front of the embedded servers (which stay the only HTTP
//! servers): a TLS terminator with a self-signed certificate made here (rcgen), and a minimal HTTP CONNECT
//! proxy. Both bind 127.0.0.1, run on their own thread, stop on drop and by themselves after a minute.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

const LIFETIME: Duration = Duration::from_secs(60);

/// A loopback listener whose accept loop runs on its own thread until dropped.
struct Background {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    fn spawn<F, Fut>(on_conn: F) -> Background
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("addr");
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener).expect("listener");
                let on_conn = Arc::new(on_conn);
                let deadline = tokio::time::sleep(LIFETIME);
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut rx => break,
                        _ = &mut deadline => break,
                        accepted = listener.accept() => {
                            if let Ok((sock, _)) = accepted {
                                tokio::spawn(on_conn(sock));
                            }
                        }
                    }
                }
            });
            rt.shutdown_timeout(Duration::from_millis(50));
        });
        Background {
            addr,
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// TLS on 127.0.0.1 in front of an embedded server, with a fresh self-signed certificate for `localhost`.
pub struct TlsFront {
    bg: Background,
    /// The certificate, PEM: what a user passes with `--cacert`.
    pub cert_pem: String,
}

impl TlsFront {
    pub fn start(backend: SocketAddr) -> TlsFront {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("self-signed cert");
        let cert_der = ck.cert.der().clone();
        let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert_der], key_der)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let bg = Background::spawn(move |sock| {
            let acceptor = acceptor.clone();
            async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return; // the client refused our certificate: that is the point of one test
                };
                if let Ok(mut plain) = TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            }
        });
        TlsFront {
            bg,
            cert_pem: ck.cert.pem(),
        }
    }

    /// `https://localhost:PORT`.
    pub fn origin(&self) -> String {
        format!("https://localhost:{}", self.bg.addr.port())
    }
}

/// An HTTP CONNECT proxy on 127.0.0.1 that records the authority of every tunnel it opens.
pub struct ConnectProxy {
    bg: Background,
    tunnels: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start() -> ConnectProxy {
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let seen = tunnels.clone();
        let bg = Background::spawn(move |sock| {
            let seen = seen.clone();
            async move {
                let mut reader = BufReader::new(sock);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).await.is_err() {
                    return;
                }
                // Skip the remaining request headers.
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" || line == "\n" => break,
                        Ok(_) => {}
                    }
                }
                let mut parts = request_line.split_whitespace();
                let (Some("CONNECT"), Some(authority)) = (parts.next(), parts.next()) else {
                    let _ = reader
                        .get_mut()
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                seen.lock().unwrap().push(authority.to_owned());
                // Loopback only: resolve `localhost` to 127.0.0.1 ourselves.
                let port = authority.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                let Some(port) = port else { return };
                let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
                    let _ = reader.get_mut().write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let mut client = reader.into_inner();
                if client
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            }
        });
        ConnectProxy { bg, tunnels }
    }

    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.bg.addr)
    }

    /// Authorities (`host:port`) of the tunnels opened so far.
    pub fn tunnels(&self) -> Vec<String> {
        self.tunnels.lock().unwrap().clone()
    }
}
