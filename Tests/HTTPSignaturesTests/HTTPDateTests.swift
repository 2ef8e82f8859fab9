import Foundation
import HTTPSignatures
import Testing

@Suite struct HTTPDateTests {
    @Test func readsTheRFCExampleDate() {
        #expect(HTTPDate.parse("Tue, 20 Apr 2021 02:07:55 GMT") == Date(timeIntervalSince1970: 1_618_884_475))
        #expect(HTTPDate.parse("Sun, 05 Jan 2014 21:31:40 GMT") == Date(timeIntervalSince1970: 1_388_957_500))
    }

    @Test func formatAndParseAgreeAcrossCenturiesAndLeapDays() {
        var seconds: TimeInterval = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.parse(HTTPDate.format(date)) == date, "\(HTTPDate.format(date))")
            seconds += 86_400 * 37 + 3_661
        }
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test func formatMatchesFoundationsFormatterWeekdaysIncluded() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds: TimeInterval = -2_208_988_800.25  // 1899-12-31 23:59:59.75
        while seconds < 4_102_444_800 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.format(date) == formatter.string(from: date))
            seconds += 86_400 * 11 + 3_599.5
        }
    }

    @Test func refusesAnythingButIMFFixdate() {
        for text in ["wrong date", "", "Tue, 20 Apr 2021 02:07:55 UTC", "Tue, 20 Apr 2021 2:07:55 GMT", "Tuesday, 20-Apr-21 02:07:55 GMT",
                     "Tue Apr 20 02:07:55 2021", "Tue, 32 Apr 2021 02:07:55 GMT", "Tue, 20 Foo 2021 02:07:55 GMT", "Tue, 20 Apr 2021 24:07:55 GMT",
                     "Xyz, 20 Apr 2021 02:07:55 GMT", "Tue, 2O Apr 2021 02:07:55 GMT"] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
    }
}
