//! Stage two for many tokens: `verify-token --batch`. One token per line in, one JSON result per line out,
//! in input order, on every core.
//!
//! The default line is compact ([`Detail::Compact`]): the token's prefix and fingerprint, `ok`, the issuer
//! used, and only the checks that did not pass (`fail` and `warn`: id, level, status, message; citations
//! are one `mcp-auth explain ID` away), plus `error` when the token's issuer could not be loaded. It is
//! written straight from the checks, without a [`crate::report::Report`] or a JSON tree.
//! [`Detail::Full`] writes the whole verify-token document per line, as a single-token `--json` run does.

use super::{Error, Keys};
use crate::jwt::SecretToken;
use crate::render::{BatchLine, batch_line_into, json_line_into};
use crate::report::{Report, verdict};
use serde_json::Value;
use std::io::{BufRead, Write};

/// What each result line carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// Prefix and fingerprint, `ok`, issuer, and the checks that did not pass.
    #[default]
    Compact,
    /// The full verify-token JSON document (every check with its citation, header, claims).
    Full,
}

/// How a batch runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; `None` is one per available core.
    pub jobs: Option<usize>,
    pub detail: Detail,
}

/// Verifies every non-blank line of `input` with `keys` and writes one JSON line per token to `output`,
/// in input order. Bad lines become failed results and the run goes on; a token whose authorization server
/// could not be loaded gets a line with that server's `error` (`ok: false`). Returns what the lines add up
/// to ([`Tally::exit_code`]). Only I/O on the two streams is an error.
///
/// One thread verifies inline. With more, this thread reads chunks of lines into a bounded queue, one
/// worker per thread verifies a chunk into one buffer, and a writer thread puts the buffers back in input
/// order: threads and buffers live for the whole run, so memory stays flat however long the input is.
pub fn run<W: Write + Send>(keys: &Keys, input: impl BufRead, output: W, opts: &BatchOptions) -> Result<Tally, Error> {
    let threads = opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .max(1);
    let detail = opts.detail;
    let one = |n: usize, raw: String, buf: &mut Vec<u8>| line(keys, detail, n, raw, buf);
    let mut lines = Lines { input, line_no: 0 };
    if threads == 1 {
        let (mut tally, mut buf, mut out) = (Tally::default(), Vec::new(), buffered(output));
        while let Some((n, text)) = lines.next_line()? {
            buf.clear();
            tally = tally.and(one(n, text, &mut buf));
            out.write_all(&buf)?;
        }
        out.flush()?;
        return Ok(tally);
    }
    parallel(threads, lines, output, &one)
}

/// The output stream, buffered.
fn buffered<W: Write>(w: W) -> std::io::BufWriter<W> {
    std::io::BufWriter::with_capacity(1 << 16, w)
}

/// The non-blank lines of the input, lossily decoded, with their 1-based numbers.
struct Lines<R> {
    input: R,
    line_no: usize,
}

impl<R: BufRead> Lines<R> {
    fn next_line(&mut self) -> std::io::Result<Option<(usize, String)>> {
        loop {
            let mut raw = Vec::with_capacity(1024);
            if self.input.read_until(b'\n', &mut raw)? == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            let text = String::from_utf8(raw).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            if !text.trim().is_empty() {
                return Ok(Some((self.line_no, text)));
            }
        }
    }

    /// Up to `CHUNK` lines; fewer only at the end of the input.
    fn next_chunk(&mut self) -> std::io::Result<Vec<(usize, String)>> {
        let mut lines = Vec::with_capacity(CHUNK);
        while lines.len() < CHUNK {
            match self.next_line()? {
                Some(l) => lines.push(l),
                None => break,
            }
        }
        Ok(lines)
    }
}

/// Lines per unit of work handed to a worker thread.
const CHUNK: usize = 64;

/// [`run`] on `threads` workers: this thread reads chunks into a bounded queue, each worker verifies a
/// chunk into one buffer, and a writer thread puts the buffers back in input order.
fn parallel<W: Write + Send>(
    threads: usize,
    mut lines: Lines<impl BufRead>,
    output: W,
    one: &(impl Fn(usize, String, &mut Vec<u8>) -> Tally + Sync),
) -> Result<Tally, Error> {
    type Chunk = (usize, Vec<(usize, String)>);
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Chunk>(threads * 2);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>, Tally)>(threads * 2);
    // Each worker owns a handle on the queue, so that when all have stopped the reader's send fails.
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    std::thread::scope(|s| -> Result<Tally, Error> {
        for _ in 0..threads {
            let (work_rx, done_tx) = (std::sync::Arc::clone(&work_rx), done_tx.clone());
            s.spawn(move || {
                loop {
                    // The lock is held only while taking a chunk (64 verifications of work each).
                    let job = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((seq, chunk)) = job else { return };
                    let mut buf = Vec::with_capacity(chunk.len() * 512);
                    let mut tally = Tally::default();
                    for (n, text) in chunk {
                        tally = tally.and(one(n, text, &mut buf));
                    }
                    if done_tx.send((seq, buf, tally)).is_err() {
                        return;
                    }
                }
            });
        }
        drop((done_tx, work_rx));
        let writer = s.spawn(move || -> std::io::Result<Tally> {
            let (mut tally, mut next, mut out) = (Tally::default(), 0usize, buffered(output));
            let mut pending = std::collections::BTreeMap::new();
            for (seq, buf, chunk) in done_rx {
                pending.insert(seq, (buf, chunk));
                while let Some((buf, chunk)) = pending.remove(&next) {
                    tally = tally.and(chunk);
                    out.write_all(&buf)?;
                    next += 1;
                }
            }
            out.flush()?;
            Ok(tally)
        });
        let read = (|| -> std::io::Result<()> {
            for seq in 0.. {
                let chunk = lines.next_chunk()?;
                let eof = chunk.len() < CHUNK;
                // A send fails only when every worker has stopped (output closed): stop reading too.
                if !chunk.is_empty() && work_tx.send((seq, chunk)).is_err() || eof {
                    break;
                }
            }
            Ok(())
        })();
        drop(work_tx);
        let tally = writer.join().expect("batch writer thread panicked")?;
        read?;
        Ok(tally)
    })
}

/// Verifies line `n` and appends its result line to `buf`; says what it counts for.
fn line(keys: &Keys, detail: Detail, n: usize, raw: String, buf: &mut Vec<u8>) -> Tally {
    if detail == Detail::Full {
        let token = SecretToken::new(raw);
        let mut report = keys.report(&token, false);
        report.extra.insert("line".into(), Value::from(n));
        json_line_into(&report, buf);
        buf.push(b'\n');
        return Tally::of(&report);
    }
    // What SecretToken::new keeps, without copying the line.
    let token = raw.trim();
    let checked = keys.check(token, true);
    let (checks, error) = match &checked.outcome {
        Ok((v, _)) => (v.checks.as_slice(), None),
        Err(info) => (&[][..], Some(info)),
    };
    let ok = error.is_none() && verdict(checks, keys.strict);
    batch_line_into(
        &BatchLine {
            line: n,
            token,
            ok,
            issuer: checked.server.issuer.as_deref(),
            checks,
            error,
        },
        buf,
    );
    buf.push(b'\n');
    Tally {
        not_ok: !ok,
        verified: error.is_none(),
        unverified: error.is_some(),
    }
}

/// What the lines of a batch add up to, for its exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Some line is not valid: invalid, or not verified because its issuer could not be loaded.
    pub not_ok: bool,
    /// Some token was verified (valid or not).
    pub verified: bool,
    /// Some token was not verified because its issuer could not be loaded.
    pub unverified: bool,
}

impl Tally {
    fn of(report: &Report) -> Self {
        Self {
            not_ok: !report.ok(),
            verified: report.error.is_none(),
            unverified: report.error.is_some(),
        }
    }

    fn and(self, other: Self) -> Self {
        Self {
            not_ok: self.not_ok | other.not_ok,
            verified: self.verified | other.verified,
            unverified: self.unverified | other.unverified,
        }
    }

    /// 3 when tokens were read but none could be verified (each one's issuer was unreachable), else 1 when
    /// any line is not valid, else 0 (also for empty input): a CI job never passes a token nobody checked.
    pub fn exit_code(self) -> crate::exit::ExitStatus {
        use crate::exit::ExitStatus;
        if self.unverified && !self.verified {
            ExitStatus::Unavailable
        } else {
            ExitStatus::from_ok(!self.not_ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn batch_exit_code_is_3_only_when_no_token_could_be_verified() {
        let t = |not_ok, verified, unverified| Tally {
            not_ok,
            verified,
            unverified,
        };
        for (tally, code) in [
            (Tally::default(), 0),
            (t(false, true, false), 0),
            (t(true, true, false), 1),
            (t(true, true, true), 1),
            (t(true, false, true), 3),
        ] {
            assert_eq!(tally.exit_code().code(), code, "{tally:?}");
        }
        assert_eq!(t(false, true, false).and(t(true, false, true)), t(true, true, true));
    }
}
