import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal the UI runs in: raw mode and the alternate screen while it runs, its size, bytes in and out.
/// `enter` and `leave` pair; `leave` restores exactly the settings `enter` found (also on error, on SIGTERM/SIGINT,
/// and around a suspension).
public final class Terminal: @unchecked Sendable {
    private let input: Int32
    private let output: Int32
    private var saved: termios?
    private let lock = NSLock()

    /// The process's standard input and output.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input
        self.output = output
    }

    /// Whether both ends are terminals.
    public var isInteractive: Bool { isatty(input) == 1 && isatty(output) == 1 }

    /// Columns and rows (80×24 when the size cannot be read).
    public var size: (width: Int, height: Int) {
        var size = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 { return (Int(size.ws_col), Int(size.ws_row)) }
        return (80, 24)
    }

    /// Raw mode (no echo, no line editing, no signals from keys), the alternate screen, the cursor hidden, bracketed paste on.
    public func enter() {
        lock.lock()
        defer { lock.unlock() }
        guard saved == nil else { return }
        var settings = termios()
        if tcgetattr(input, &settings) == 0 {
            saved = settings
            var raw = settings
            cfmakeraw(&raw)
            tcsetattr(input, TCSAFLUSH, &raw)
        }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?2004h\u{1B}[H\u{1B}[2J")
    }

    /// Back to how `enter` found the terminal: main screen, cursor shown, settings restored.
    public func leave() {
        lock.lock()
        defer { lock.unlock() }
        write("\u{1B}[0m\u{1B}[?2004l\u{1B}[?25h\u{1B}[?1049l")
        if var settings = saved {
            tcsetattr(input, TCSAFLUSH, &settings)
            saved = nil
        }
    }

    /// Writes all of `text`.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Waits up to `timeout` milliseconds for input, then reads what there is (at most 4 KiB); empty when none came,
    /// nil at end of input.
    public func read(timeout: Int32) -> [UInt8]? {
        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeout)
        guard ready > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN ? [] : nil }
        if count == 0 { return nil }
        return Array(buffer[0..<count])
    }
}
