//! Stage two for many tokens: `verify-token --batch`. One token per line in, one JSON result per line out,
//! in input order, on every core.
//!
//! The default line is compact ([`Detail::Compact`]): the token's prefix and fingerprint, `ok`, the issuer
//! used, and only the checks that did not pass (`fail` and `warn`: id, level, status, message; citations
//! are one `mcp-auth explain ID` away), plus `error` when the token's issuer could not be loaded. It is
//! written straight from the checks, without a [`crate::report::Report`] or a JSON tree.
//! [`Detail::Full`] writes the whole verify-token document per line, as a single-token `--json` run does.

use super::{Error, Keys};
use crate::jwt::{HeaderCache, SecretToken};
use crate::render::{BatchLine, batch_line_into, json_line_into};
use crate::report::{Report, verdict};
use serde_json::Value;
use std::io::{BufRead, Write};
use std::sync::{Condvar, Mutex};

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
/// One thread verifies inline. With more, each worker thread reads a chunk of lines, verifies it into one
/// buffer and writes the buffers back in input order ([`parallel`]): threads and buffers live for the
/// whole run, and memory stays flat however long the input is.
pub fn run<W: Write + Send>(
    keys: &Keys,
    input: impl BufRead + Send,
    output: W,
    opts: &BatchOptions,
) -> Result<Tally, Error> {
    let threads = opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .max(1);
    let detail = opts.detail;
    let one =
        |n: usize, raw: &str, buf: &mut Vec<u8>, headers: &mut HeaderCache| line(keys, detail, n, raw, buf, headers);
    let mut lines = Lines {
        input,
        line_no: 0,
        raw: Vec::with_capacity(1024),
    };
    if threads == 1 {
        let (mut tally, mut buf, mut out) = (Tally::default(), Vec::new(), buffered(output));
        let (mut chunk, mut headers) = (Chunk::default(), HeaderCache::default());
        while lines.fill(&mut chunk)? {
            buf.clear();
            tally = tally.and(chunk.verify(&one, &mut buf, &mut headers));
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

/// Up to [`CHUNK`] non-blank lines, lossily decoded, in one buffer: two allocations per chunk, not one per
/// line (and on several threads, one cross-thread free).
#[derive(Default)]
struct Chunk {
    text: String,
    /// Each line's 1-based number and its end in `text` (it starts where the previous one ends).
    lines: Vec<(usize, usize)>,
}

impl Chunk {
    /// Verifies every line into `buf`; says what they count for.
    fn verify(
        &self,
        one: &impl Fn(usize, &str, &mut Vec<u8>, &mut HeaderCache) -> Tally,
        buf: &mut Vec<u8>,
        headers: &mut HeaderCache,
    ) -> Tally {
        let mut start = 0;
        let mut tally = Tally::default();
        for &(n, end) in &self.lines {
            tally = tally.and(one(n, &self.text[start..end], buf, headers));
            start = end;
        }
        tally
    }
}

/// The input, read line by line into [`Chunk`]s.
struct Lines<R> {
    input: R,
    line_no: usize,
    /// The line being read, reused.
    raw: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Refills `chunk` with up to [`CHUNK`] non-blank lines; false when the input had none left.
    fn fill(&mut self, chunk: &mut Chunk) -> std::io::Result<bool> {
        chunk.text.clear();
        chunk.lines.clear();
        while chunk.lines.len() < CHUNK {
            self.raw.clear();
            if read_line(&mut self.input, &mut self.raw)? == 0 {
                break;
            }
            self.line_no += 1;
            let text = match std::str::from_utf8(&self.raw) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&self.raw),
            };
            if !text.trim().is_empty() {
                chunk.text.push_str(&text);
                chunk.lines.push((self.line_no, chunk.text.len()));
            }
        }
        Ok(!chunk.lines.is_empty())
    }
}

/// `BufRead::read_until(b'\n')` with the memchr crate's SIMD search (std's reads a word at a time, and
/// every byte of a token is searched).
fn read_line(input: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (available.is_empty(), available.len()),
        };
        out.extend_from_slice(&available[..used]);
        input.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

/// Lines per unit of work handed to a worker thread.
const CHUNK: usize = 64;

/// [`run`] on `threads` workers and no other thread: a worker takes the next chunk under the input lock,
/// verifies it into its own buffer, and writes it under the output lock when its turn has come, else
/// leaves it to the worker that writes the chunk before it. No thread only moves bytes, and no chunk
/// changes hands through a queue.
fn parallel<W: Write + Send>(
    threads: usize,
    lines: Lines<impl BufRead + Send>,
    output: W,
    one: &(impl Fn(usize, &str, &mut Vec<u8>, &mut HeaderCache) -> Tally + Sync),
) -> Result<Tally, Error> {
    let input = Mutex::new(Input {
        lines,
        next: 0,
        done: false,
    });
    let ordered = Ordered {
        state: Mutex::new(Written {
            out: buffered(output),
            next: 0,
            pending: std::collections::BTreeMap::new(),
            stopped: false,
        }),
        turn: Condvar::new(),
        ahead: threads * 2,
    };
    let results: Vec<std::io::Result<Tally>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| worker(&input, &ordered, one)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("batch worker panicked"))
            .collect()
    });
    let mut tally = Tally::default();
    for result in results {
        tally = tally.and(result?);
    }
    let mut written = ordered.state.into_inner().map_err(|_| poisoned())?;
    written.out.flush()?;
    Ok(tally)
}

/// The input side of [`parallel`]: the lines, and the number the next chunk gets.
struct Input<R> {
    lines: Lines<R>,
    next: usize,
    /// The input ended (or failed): no chunk is left to take.
    done: bool,
}

/// The output side of [`parallel`]: chunks are written in the order they were taken.
struct Ordered<W: Write> {
    state: Mutex<Written<W>>,
    /// Signalled whenever `next` moves on or the run stops.
    turn: Condvar,
    /// How far ahead of the next chunk to write a finished chunk may be before its worker waits: this
    /// bounds memory when one worker is slowed down.
    ahead: usize,
}

struct Written<W: Write> {
    out: std::io::BufWriter<W>,
    /// The number of the chunk to write next.
    next: usize,
    /// Finished chunks waiting for an earlier one, by number.
    pending: std::collections::BTreeMap<usize, Vec<u8>>,
    /// Writing failed (for example, the reader closed the pipe), or a worker panicked: everyone stops.
    stopped: bool,
}

/// One worker of [`parallel`]: takes chunks until the input ends or the run stops. Returns what its
/// chunks add up to.
fn worker<R: BufRead, W: Write>(
    input: &Mutex<Input<R>>,
    ordered: &Ordered<W>,
    one: &impl Fn(usize, &str, &mut Vec<u8>, &mut HeaderCache) -> Tally,
) -> std::io::Result<Tally> {
    // A panicking worker would leave its chunk unwritten and the others waiting for it: stop them.
    let _stop_on_panic = StopOnPanic(ordered);
    let (mut chunk, mut headers, mut buf) = (Chunk::default(), HeaderCache::default(), Vec::new());
    let mut tally = Tally::default();
    loop {
        let seq = {
            let mut input = input.lock().map_err(|_| poisoned())?;
            if input.done {
                return Ok(tally);
            }
            let more = input.lines.fill(&mut chunk);
            if !matches!(more, Ok(true)) {
                input.done = true;
                return more.map(|_| tally);
            }
            input.next += 1;
            input.next - 1
        };
        buf.clear();
        tally = tally.and(chunk.verify(one, &mut buf, &mut headers));
        if !ordered.put(seq, &mut buf)? {
            return Ok(tally);
        }
    }
}

impl<W: Write> Ordered<W> {
    /// Writes chunk `seq` (and every chunk it was holding up) if its turn has come, else keeps it for
    /// later. False when the run has stopped.
    fn put(&self, seq: usize, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        let mut w = self.state.lock().map_err(|_| poisoned())?;
        while seq > w.next + self.ahead && !w.stopped {
            w = self.turn.wait(w).map_err(|_| poisoned())?;
        }
        if w.stopped {
            return Ok(false);
        }
        if seq != w.next {
            w.pending.insert(seq, std::mem::take(buf));
            return Ok(true);
        }
        let w = &mut *w;
        let mut result = w.out.write_all(buf);
        w.next += 1;
        while result.is_ok()
            && let Some(held) = w.pending.remove(&w.next)
        {
            result = w.out.write_all(&held);
            w.next += 1;
        }
        w.stopped = result.is_err();
        self.turn.notify_all();
        result.map(|()| true)
    }
}

/// Stops the run when the worker holding it panics.
struct StopOnPanic<'a, W: Write>(&'a Ordered<W>);

impl<W: Write> Drop for StopOnPanic<'_, W> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if let Ok(mut w) = self.0.state.lock() {
                w.stopped = true;
            }
            self.0.turn.notify_all();
        }
    }
}

fn poisoned() -> std::io::Error {
    std::io::Error::other("a batch worker panicked")
}

/// Verifies line `n` and appends its result line to `buf`; says what it counts for.
fn line(keys: &Keys, detail: Detail, n: usize, raw: &str, buf: &mut Vec<u8>, headers: &mut HeaderCache) -> Tally {
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
    let checked = keys.check_terse(token, headers);
    let (checks, sha256, error) = match &checked.outcome {
        Ok((v, _)) => (v.checks.as_slice(), v.sha256.as_ref(), None),
        Err(info) => (&[][..], None, Some(info)),
    };
    let ok = error.is_none() && verdict(checks, keys.strict);
    batch_line_into(
        &BatchLine {
            line: n,
            token,
            sha256,
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
    use super::{CHUNK, Chunk, HeaderCache, Lines, Tally};

    #[test]
    fn lines_fill_chunks_skipping_blank_lines_and_keeping_numbers() {
        let mut input = b"a\n\n  \nb\xff\r\n".to_vec();
        for i in 0..CHUNK {
            input.extend(format!("t{i}\n").bytes());
        }
        let mut lines = Lines {
            input: &input[..],
            line_no: 0,
            raw: Vec::new(),
        };
        let mut chunk = Chunk::default();
        let seen = std::cell::RefCell::new(Vec::new());
        while lines.fill(&mut chunk).unwrap() {
            assert!(chunk.lines.len() <= CHUNK);
            chunk.verify(
                &|n, raw: &str, _: &mut Vec<u8>, _: &mut HeaderCache| {
                    seen.borrow_mut().push((n, raw.trim().to_owned()));
                    Tally::default()
                },
                &mut Vec::new(),
                &mut HeaderCache::default(),
            );
        }
        let seen = seen.into_inner();
        assert_eq!(seen.len(), 2 + CHUNK);
        assert_eq!(seen[0], (1, "a".to_owned()));
        assert_eq!(
            seen[1],
            (4, "b\u{fffd}".to_owned()),
            "invalid UTF-8 is replaced, not dropped"
        );
        assert_eq!(seen[2 + CHUNK - 1], (4 + CHUNK, format!("t{}", CHUNK - 1)));
    }

    /// While the first chunk lags, the other workers run ahead (their chunks held, then waiting once they
    /// are as far ahead as they may be), and the output still comes out whole and in input order.
    #[test]
    fn parallel_writes_every_chunk_in_input_order_when_one_worker_lags() {
        let total = CHUNK * 40;
        let input: String = (1..=total).map(|i| format!("t{i}\n")).collect();
        let lines = Lines {
            input: input.as_bytes(),
            line_no: 0,
            raw: Vec::new(),
        };
        let one = |n: usize, raw: &str, buf: &mut Vec<u8>, _: &mut HeaderCache| {
            if n == 1 {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            buf.extend(format!("{n} {}\n", raw.trim()).bytes());
            Tally {
                not_ok: n % 5 == 0,
                verified: true,
                unverified: false,
            }
        };
        let mut out = Vec::new();
        let tally = super::parallel(4, lines, &mut out, &one).unwrap();
        let text = String::from_utf8(out).unwrap();
        let got: Vec<&str> = text.lines().collect();
        assert_eq!(got.len(), total);
        for (i, line) in got.iter().enumerate() {
            assert_eq!(*line, format!("{} t{}", i + 1, i + 1));
        }
        assert_eq!(
            tally,
            Tally {
                not_ok: true,
                verified: true,
                unverified: false
            }
        );
    }

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
