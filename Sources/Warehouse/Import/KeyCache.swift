/// A bounded map from natural keys to row ids: a cache in front of the database, emptied when
/// full so memory stays flat however many keys a file holds.
struct KeyCache {
    private var ids: [String: Int64] = [:]
    let limit: Int

    init(limit: Int = 200_000) { self.limit = limit }

    subscript(key: String) -> Int64? {
        get { ids[key] }
        set {
            if ids.count >= limit { ids.removeAll(keepingCapacity: true) }
            ids[key] = newValue
        }
    }

    mutating func removeAll() { ids.removeAll() }
}
