import Testing
@testable import Warehouse

/// `--keep-properties`: only named top-level keys stay, copied byte for byte.
@Suite struct PropertyFilterTests {
    @Test func keepsNamedKeysExactly() {
        let filter = PropertyFilter(keep: ["page", "price", "nested"])
        let json = #"{ "email": "a@b.example", "page": "/cart?x=1,2", "price": 0.10, "ip": "10.0.0.1", "nested": {"a": [1, "}", {"b": 2}], "c": "x\"y"} }"#
        let (kept, dropped) = filter.apply(json)
        #expect(kept == #"{"page":"/cart?x=1,2","price":0.10,"nested":{"a": [1, "}", {"b": 2}], "c": "x\"y"}}"#)
        #expect(dropped == 2)
    }

    @Test func escapedKeysAreReadAsTheirText() {
        let (kept, dropped) = PropertyFilter(keep: ["ab", "q\"k"]).apply(#"{"a\u0062":1,"q\"k":2,"e\"mail":"x"}"#)
        #expect(kept == #"{"a\u0062":1,"q\"k":2}"#)
        #expect(dropped == 1)
    }

    @Test func objectLosingNothingIsUnchanged() {
        let json = #"{ "page" : "/",  "price": 1e3 }"#
        let (kept, dropped) = PropertyFilter(keep: ["page", "price", "other"]).apply(json)
        #expect(kept == json)
        #expect(dropped == 0)
        #expect(PropertyFilter(keep: ["page"]).apply("{}") == ("{}", 0))
        #expect(PropertyFilter(keep: ["x"]).apply(#"{"a":1}"#) == ("{}", 1))
    }

    @Test func listIsParsedAndEmptyNamesRefused() throws {
        #expect(try PropertyFilter(list: "page, device").names == ["device", "page"])
        #expect(throws: PrivacyError.self) { try PropertyFilter(list: "page,,device") }
    }
}
