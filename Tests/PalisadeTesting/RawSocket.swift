import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP connection to a loopback port, for sending bytes as a hostile client would (slowly, malformed, split).
public enum RawSocket {
    /// A connected socket to `127.0.0.1:port` whose reads give up after `receiveTimeout` seconds; the caller closes it.
    public static func connect(port: Int, receiveTimeout: Int = 1) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw HarnessError("connecting to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }
}
