//! When a request reached the fake: the kernel's receive timestamp of its first bytes (Linux),
//! or the moment the fake started handling it (elsewhere).
//!
//! FK judges a vendor's rate by when requests reach *its* servers. The fake used to read the
//! clock in its request handler, i.e. after a tokio worker woke up, rustls decrypted the record
//! and hyper parsed the head. On a busy 2-core machine that latency varies by several
//! milliseconds from request to request, which compressed some gaps between correctly paced
//! requests below the interval (0–8 false violations in 300 requests at 10/s with a 2 % margin).
//!
//! On Linux the listener, and so every accepted socket, has `SO_TIMESTAMPNS`, and [`ArrivalStream`] reads it with
//! `recvmsg`, keeping the kernel's timestamp (`CLOCK_REALTIME`, taken when the segment was
//! delivered to the socket) of each read that returned bytes. A connection's
//! [`ArrivalClock`] turns those into request arrivals:
//! - the TLS handshake's reads are not arrivals; once it is complete the clock is *armed*;
//! - the first read that returns bytes while armed is the request's arrival (the client opens
//!   connections early and writes the request only at its turn, so this read carries the
//!   request's first bytes);
//! - if the request's bytes came in the same read as the end of the handshake (a client that
//!   connects and sends at once), that read's timestamp is the arrival: when rustls already
//!   holds plaintext at the end of the handshake that read is taken and the clock is not
//!   armed, and when no read came after arming the last read is taken. (When only part of the first record came
//!   with the handshake, the next read is taken; its timestamp is that of a segment of the
//!   same request, which the client wrote in one go.)
//! - after the request's body has been read, the clock is armed again for the next request on
//!   the same connection (keep-alive).
//!
//! For TCP the kernel reports, per `recvmsg`, the timestamp of the last segment the call
//! consumed; the fake's reads are at most 4 KiB (rustls' read size), so the first read of a
//! request consumes its first segment(s).
//!
//! Elsewhere (the demo inside the desktop app on Windows and macOS) no timestamps are read and
//! the handler's clock reading is used, as before: the demo never sends fast enough for the
//! difference to matter.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::lock;

/// A moment on both clocks the fake keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arrival {
    /// On the monotonic clock (for intervals).
    pub(crate) instant: Instant,
    /// On the wall clock (for the journal and across restarts).
    pub(crate) wall: DateTime<Utc>,
}

impl Arrival {
    /// Now, on both clocks.
    pub(crate) fn now() -> Self {
        let (instant, wall) = clock_pair();
        Self {
            instant,
            wall: DateTime::<Utc>::from(wall),
        }
    }

    /// A wall-clock (`CLOCK_REALTIME`) moment as seen now on both clocks: the monotonic moment
    /// is now minus the wall clock's age of `stamp`; a stamp in the future counts as now.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn from_wall(stamp: SystemTime) -> Self {
        let (instant, wall_now) = clock_pair();
        let age = wall_now.duration_since(stamp).unwrap_or(Duration::ZERO);
        Self {
            instant: instant.checked_sub(age).unwrap_or(instant),
            wall: DateTime::<Utc>::from(wall_now.checked_sub(age).unwrap_or(wall_now)),
        }
    }
}

/// Reads both clocks as close together as possible: of three tries, the one whose wall-clock
/// reading is bracketed most tightly by two monotonic readings (a thread preempted between the
/// readings would otherwise shift a converted stamp by the length of the preemption).
fn clock_pair() -> (Instant, SystemTime) {
    let mut best: Option<(Duration, Instant, SystemTime)> = None;
    for _ in 0..3 {
        let before = Instant::now();
        let wall = SystemTime::now();
        let after = Instant::now();
        let spread = after.duration_since(before);
        if best.is_none_or(|(narrowest, _, _)| spread < narrowest) {
            best = Some((spread, before + spread / 2, wall));
        }
    }
    match best {
        Some((_, instant, wall)) => (instant, wall),
        None => (Instant::now(), SystemTime::now()),
    }
}

/// One connection's reads, turned into request arrivals (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct ArrivalClock {
    state: Mutex<ClockState>,
}

#[derive(Debug, Default)]
struct ClockState {
    /// The next read that returns bytes starts a request.
    armed: bool,
    /// The first read since arming.
    first: Option<Arrival>,
    /// The latest read.
    last: Option<Arrival>,
}

impl ArrivalClock {
    /// A read returned bytes that reached the socket at `at`.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn note_read(&self, at: Arrival) {
        let mut state = lock(&self.state);
        if state.armed && state.first.is_none() {
            state.first = Some(at);
        }
        state.last = Some(at);
    }

    /// The TLS handshake is complete; `request_bytes_buffered`: the reads that completed it
    /// already delivered a whole record of application data.
    pub(crate) fn handshake_done(&self, request_bytes_buffered: bool) {
        let mut state = lock(&self.state);
        state.armed = !request_bytes_buffered;
        // Buffered: the read that completed the handshake is the request's first.
        state.first = if request_bytes_buffered {
            state.last
        } else {
            None
        };
    }

    /// The current request has been read completely: the next read starts the next one.
    pub(crate) fn request_read(&self) {
        let mut state = lock(&self.state);
        state.armed = true;
        state.first = None;
    }

    /// The arrival of the request whose head was just parsed: the first read since arming,
    /// else the latest read (its bytes came with the previous read). `None` when no timestamps
    /// are kept (not Linux). Disarms until [`ArrivalClock::request_read`].
    pub(crate) fn take_request_arrival(&self) -> Option<Arrival> {
        let mut state = lock(&self.state);
        state.armed = false;
        state.first.take().or(state.last)
    }
}

/// An accepted TCP stream that notes, on Linux, the kernel's receive timestamp of every read in
/// its connection's [`ArrivalClock`]. Writes go straight to the socket.
#[derive(Debug)]
pub(crate) struct ArrivalStream {
    tcp: TcpStream,
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    clock: Arc<ArrivalClock>,
}

impl ArrivalStream {
    /// Wraps an accepted socket, asking the kernel (Linux) to timestamp what it receives.
    pub(crate) fn new(tcp: TcpStream, clock: Arc<ArrivalClock>) -> Self {
        // Normally inherited from the listener already; set again in case that failed.
        enable_receive_timestamps(&tcp);
        Self { tcp, clock }
    }
}

/// Asks the kernel to timestamp every segment the socket receives (`SO_TIMESTAMPNS`). Set on
/// the listener, accepted sockets inherit it, and segments that arrive before `accept`
/// returns (the TLS ClientHello) are stamped too. If it fails, reads are timed when they
/// return (see `poll_read`).
#[cfg(target_os = "linux")]
pub(crate) fn enable_receive_timestamps(socket: &impl std::os::fd::AsFd) {
    use nix::sys::socket::{setsockopt, sockopt::ReceiveTimestampns};
    if let Err(e) = setsockopt(socket, ReceiveTimestampns, &true) {
        tracing::warn!(error = %e, "fake FK: no kernel receive timestamps on this socket");
    }
}

/// Not Linux: arrivals are timed by the handler.
#[cfg(not(target_os = "linux"))]
pub(crate) fn enable_receive_timestamps<S>(_socket: &S) {}

#[cfg(target_os = "linux")]
impl AsyncRead for ArrivalStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        use std::io::IoSliceMut;
        use std::os::fd::AsRawFd;

        use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
        use tokio::io::Interest;

        let this = self.get_mut();
        loop {
            std::task::ready!(this.tcp.poll_read_ready(cx))?;
            let fd = this.tcp.as_raw_fd();
            let unfilled = buf.initialize_unfilled();
            let read = this.tcp.try_io(Interest::READABLE, || {
                let mut control = nix::cmsg_space!(nix::sys::time::TimeSpec);
                let mut iov = [IoSliceMut::new(unfilled)];
                let message = recvmsg::<()>(fd, &mut iov, Some(&mut control), MsgFlags::empty())?;
                let stamp = message
                    .cmsgs()
                    .ok()
                    .into_iter()
                    .flatten()
                    .find_map(|c| match c {
                        ControlMessageOwned::ScmTimestampns(ts) => {
                            let secs = u64::try_from(ts.tv_sec()).ok()?;
                            let nanos = u32::try_from(ts.tv_nsec()).ok()?;
                            Some(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos))
                        }
                        _ => None,
                    });
                Ok((message.bytes, stamp))
            });
            match read {
                Ok((n, stamp)) => {
                    if n > 0 {
                        // Converted at once, while the wall clock's age of the stamp is short.
                        this.clock
                            .note_read(stamp.map_or_else(Arrival::now, Arrival::from_wall));
                    }
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                // Readiness was stale; try_io cleared it, so poll_read_ready registers again.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl AsyncRead for ArrivalStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for ArrivalStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Arrival {
        let base = Arrival::now();
        Arrival {
            instant: base.instant + Duration::from_millis(ms),
            wall: base.wall,
        }
    }

    #[test]
    fn the_handshakes_reads_are_no_arrival_but_the_first_read_after_it_is() {
        let clock = ArrivalClock::default();
        clock.note_read(at(1));
        clock.note_read(at(2));
        clock.handshake_done(false);
        let request = at(10);
        clock.note_read(request);
        clock.note_read(at(11));
        assert_eq!(
            clock.take_request_arrival(),
            Some(request),
            "the request's first read, not the handshake's or the body's"
        );
    }

    #[test]
    fn a_request_that_came_with_the_end_of_the_handshake_arrived_with_that_read() {
        let clock = ArrivalClock::default();
        let finished_and_request = at(2);
        clock.note_read(finished_and_request);
        clock.handshake_done(true);
        clock.note_read(at(3));
        assert_eq!(
            clock.take_request_arrival(),
            Some(finished_and_request),
            "rustls already held the request's first record"
        );

        let clock = ArrivalClock::default();
        clock.note_read(finished_and_request);
        clock.handshake_done(false);
        assert_eq!(
            clock.take_request_arrival(),
            Some(finished_and_request),
            "no read after the handshake: the head came with its last read"
        );
    }

    #[test]
    fn each_request_on_a_kept_alive_connection_starts_at_its_own_first_read() {
        let clock = ArrivalClock::default();
        clock.handshake_done(false);
        let first = at(10);
        clock.note_read(first);
        assert_eq!(clock.take_request_arrival(), Some(first));
        clock.note_read(at(12));
        clock.request_read();
        let second = at(20);
        clock.note_read(second);
        clock.note_read(at(21));
        assert_eq!(clock.take_request_arrival(), Some(second));
    }

    #[test]
    fn a_wall_clock_stamp_converts_to_the_past_never_the_future() {
        let before = Instant::now();
        let future = Arrival::from_wall(SystemTime::now() + Duration::from_secs(3600));
        assert!(
            future.instant >= before && future.wall <= Utc::now(),
            "a stamp ahead of the wall clock counts as now"
        );
        let past = Arrival::from_wall(SystemTime::now() - Duration::from_secs(60));
        assert!(
            past.instant < before,
            "a minute-old stamp lies before the test started"
        );
    }
}
