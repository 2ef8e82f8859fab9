import Federation
import Foundation
import Testing

/// When failed deliveries are tried again, and when they are given up.
@Suite struct RetryScheduleTests {
    let schedule = RetrySchedule()
    let created = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: [200, 201, 202, 204])
    func twoHundredsAreDelivered(status: Int) {
        #expect(schedule.result(for: .status(status, retryAfter: nil), attempts: 1, createdAt: created, now: created, jitter: 0.5) == .delivered)
    }

    @Test(arguments: [400, 401, 403, 404, 405, 413, 422, 301])
    func otherRefusalsAreDeadAtOnce(status: Int) {
        guard case .dead = schedule.result(for: .status(status, retryAfter: nil), attempts: 1, createdAt: created, now: created, jitter: 0.5) else {
            Issue.record("\(status) should be dead-lettered")
            return
        }
    }

    @Test func goneRemovesTheRecipient() {
        guard case .gone = schedule.result(for: .status(410, retryAfter: nil), attempts: 1, createdAt: created, now: created, jitter: 0.5) else {
            Issue.record("410 should be gone")
            return
        }
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func transientFailuresBackOffExponentially(status: Int) {
        // jitter 0.5 is the midpoint: exactly baseDelay · 2^(attempts-1).
        for (attempts, delay) in [(1, 60.0), (2, 120.0), (3, 240.0), (10, 21_600.0)] {
            let result = schedule.result(for: .status(status, retryAfter: nil), attempts: attempts, createdAt: created, now: created, jitter: 0.5)
            #expect(result == .retry(at: created.addingTimeInterval(delay), error: "\(status)"))
        }
    }

    @Test func jitterSpreadsRetriesByHalfEitherWay() {
        let early = schedule.result(for: .transport("refused"), attempts: 2, createdAt: created, now: created, jitter: 0)
        let late = schedule.result(for: .transport("refused"), attempts: 2, createdAt: created, now: created, jitter: 0.999)
        #expect(early == .retry(at: created.addingTimeInterval(60), error: "refused"))
        guard case .retry(let at, _) = late else { Issue.record("should retry"); return }
        #expect(at.timeIntervalSince(created) > 179 && at.timeIntervalSince(created) < 180)
    }

    @Test func retryAfterIsHonouredInSecondsAndAsADate() {
        #expect(schedule.result(for: .status(429, retryAfter: "3600"), attempts: 1, createdAt: created, now: created, jitter: 0.5)
            == .retry(at: created.addingTimeInterval(3600), error: "429"))
        let date = "Wed, 18 Nov 2026 12:06:40 GMT"
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        guard case .retry(let at, _) = schedule.result(for: .status(503, retryAfter: date), attempts: 1, createdAt: now, now: now, jitter: 0.5) else {
            Issue.record("should retry")
            return
        }
        #expect(at == now.addingTimeInterval(3600))
        #expect(RetrySchedule.parseRetryAfter("soon", now: now) == nil)
    }

    @Test func aJobFailingForAWeekIsDeadLettered() {
        let sixDays = created.addingTimeInterval(6 * 86_400)
        guard case .retry = schedule.result(for: .status(503, retryAfter: nil), attempts: 30, createdAt: created, now: sixDays, jitter: 0.5) else {
            Issue.record("still inside the week")
            return
        }
        let almostSeven = created.addingTimeInterval(7 * 86_400 - 600)
        guard case .dead(let error) = schedule.result(for: .status(503, retryAfter: nil), attempts: 31, createdAt: created, now: almostSeven, jitter: 0.5) else {
            Issue.record("should give up")
            return
        }
        #expect(error.contains("gave up after 31 attempts"))
    }

    @Test func refusedAddressesAreDeadAtOnce() {
        #expect(schedule.result(for: .refused("10.0.0.1 is a private address"), attempts: 1, createdAt: created, now: created, jitter: 0.5)
            == .dead(error: "10.0.0.1 is a private address"))
    }
}
