import Foundation
import Testing
@testable import Warehouse

/// The JSON used for hyperparameters and metrics, and the data fingerprint.
@Suite struct RegistryJSONTests {
    @Test func textRoundTripsExactlyWithMemberOrder() throws {
        let value: JSONValue = [
            "zeta": 1, "alpha": [true, false, nil], "pi": .number(.pi), "tiny": .number(.leastNonzeroMagnitude), "big": .number(-1.7976931348623157e308),
            "negative_zero": .number(-0.0), "text": "quote \" backslash \\ tab \t newline \n bell \u{07} é 😀",
            "nested": ["empty_object": [:], "empty_array": [], "int": .integer(Int64.min)],
        ]
        for text in [try value.jsonText(), try value.prettyJSONText()] {
            let parsed = try JSONValue.parse(text)
            #expect(parsed == value)
            #expect(parsed.members?.map(\.key) == ["zeta", "alpha", "pi", "tiny", "big", "negative_zero", "text", "nested"])
            #expect(parsed["pi"]?.doubleValue?.bitPattern == Double.pi.bitPattern)
            #expect(parsed["tiny"]?.doubleValue == .leastNonzeroMagnitude)
            #expect(parsed["negative_zero"]?.doubleValue?.sign == .minus)
            #expect(parsed["nested"]?["int"] == .integer(Int64.min))
        }
        // Foundation reads what we write.
        let foundation = try JSONSerialization.jsonObject(with: Data(try value.jsonText().utf8)) as? [String: Any]
        #expect(foundation?["text"] as? String == value["text"]?.stringValue)
        #expect(try value.jsonText().hasPrefix(#"{"zeta":1,"alpha":[true,false,null],"#))
    }

    @Test func parsingFollowsRFC8259() throws {
        #expect(try JSONValue.parse(#" {"a" : [1, -2.5e3, 0.0, 1E2, "\u00e9\ud83d\ude00\/"]} "#)
                == ["a": [1, -2500.0, 0.0, 100.0, "é😀/"]])
        #expect(try JSONValue.parse("12345678901234567890") == .number(12345678901234567890.0), "past Int64: a double")
        #expect(try JSONValue.parse("3") == .integer(3) && JSONValue.integer(3) == .number(3.0))
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "1e", "nul", "\"\\x\"", "\"\u{01}\"", "{\"a\":1,\"a\":2}",
                    "\"\\ud800\"", "1e999", "[1] 2", "{'a':1}", "NaN"] {
            #expect(throws: JSONError.self, "\(bad)") { try JSONValue.parse(bad) }
        }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONError.self) { try JSONValue.parse(deep) }
    }

    @Test func nonFiniteNumbersAreRefusedWithTheirPath() {
        let value: JSONValue = ["calibration": [["observed": .number(.nan)]]]
        #expect(throws: JSONError("calibration[0].observed is nan, which JSON cannot hold: store null or leave it out")) {
            try value.jsonText()
        }
    }

    @Test func flatteningGivesPaths() {
        let value: JSONValue = ["auc": 0.7, "baseline": ["auc": 0.6], "calibration": [["bin": 1], ["bin": 2]], "empty": [:]]
        #expect(value.flattened().map(\.path) == ["auc", "baseline.auc", "calibration[0].bin", "calibration[1].bin", "empty"])
    }

    @Test func dataFingerprintIsDeterministicAndUnambiguous() {
        func fingerprint(_ build: (inout DataFingerprint) -> Void) -> String {
            var fingerprint = DataFingerprint()
            build(&fingerprint)
            return fingerprint.hex()
        }
        #expect(fingerprint { _ in } == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of nothing")
        let rows = fingerprint { $0.add([1.0, 2.0]); $0.add(Int64(7)); $0.add("GB") }
        #expect(rows == fingerprint { $0.add([1.0, 2.0]); $0.add(Int64(7)); $0.add("GB") })
        #expect(rows.count == 64)
        #expect(fingerprint { $0.add(0.0) } != fingerprint { $0.add(-0.0) })
        #expect(fingerprint { $0.add("ab"); $0.add("c") } != fingerprint { $0.add("a"); $0.add("bc") })
    }

    @Test func instantsPrintInUTC() {
        #expect(RegistryClock.iso(1_306_931_400) == "2011-06-01T12:30:00Z")
        #expect(RegistryClock.iso(0) == "1970-01-01T00:00:00Z")
        #expect(RegistryClock.iso(-1) == "1969-12-31T23:59:59Z")
        #expect(RegistryClock.iso(951_782_400) == "2000-02-29T00:00:00Z")
    }

    @Test func registryWritesJoinACallersTransaction() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try warehouse.db.transaction {
                let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
                try warehouse.promote(name: "churn", version: snapshot.version, by: "trainer")
                throw Abandon()
            }
        }
        #expect(try warehouse.count("SELECT count(*) FROM model_snapshots") == 0)
        #expect(try warehouse.count("SELECT count(*) FROM model_alias_moves") == 0)
        try warehouse.db.transaction {
            let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
            try warehouse.promote(name: "churn", version: snapshot.version, by: "trainer")
        }
        #expect(try warehouse.snapshot("churn@production").version == 1)
    }
}
