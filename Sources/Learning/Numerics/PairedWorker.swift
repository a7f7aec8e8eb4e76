import Dispatch
import Foundation
import Synchronization

/// One extra thread kept for a computation that splits many small steps in two halves, such as
/// growing a boosted tree (a histogram and a partition per split, thousands per fit).
///
/// `DispatchQueue.concurrentPerform` wakes a pool thread for every call; at tens of
/// microseconds per wake-up that cost as much as the halves it saved (measured on the churn
/// fit: 0.50 s growing trees on one core, 0.40–0.50 s with both). This worker waits for the
/// next half by spinning for a few tens of microseconds, as OpenMP's threads do, and only then
/// sleeps. The thread ends when the worker is released.
final class PairedWorker: @unchecked Sendable {
    private let shared = SharedState()

    /// A worker when this process may use more than one core, else nil (run both halves on the
    /// calling thread).
    static func forAvailableCores() -> PairedWorker? {
        ProcessInfo.processInfo.activeProcessorCount > 1 ? PairedWorker() : nil
    }

    /// Starts the worker thread (even on one core: use ``forAvailableCores()`` to get none there).
    init() {
        let shared = self.shared
        let thread = Thread { shared.serve() }
        thread.name = "lifecycle.paired-worker"
        thread.start()
    }

    deinit { shared.stop() }

    /// Calls `body(0)` on the calling thread and `body(1)` on the worker, and returns when
    /// both have returned. Not reentrant: one caller at a time.
    func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            shared.post(body)
            body(0)
            shared.waitUntilDone()
        }
    }
}

/// What the caller and the worker thread share: the posted half and where it stands.
private final class SharedState: @unchecked Sendable {
    private static let idle = 0, posted = 1, done = 2, stopping = 3
    /// Polls of the state before the worker sleeps (some tens of microseconds).
    private static let spinsBeforeSleeping = 20_000
    private let state = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// Written before `state` becomes `posted` (release) and read after (acquire).
    private var job: ((Int) -> Void)?

    func post(_ body: @escaping (Int) -> Void) {
        job = body
        state.store(Self.posted, ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
    }

    func waitUntilDone() {
        var polls = 0
        while state.load(ordering: .acquiring) != Self.done {
            polls += 1
            if polls > 1_000 { sched_yield() }
        }
        job = nil
        state.store(Self.idle, ordering: .releasing)
    }

    func stop() {
        state.store(Self.stopping, ordering: .sequentiallyConsistent)
        wake.signal()
    }

    /// The worker thread's loop: wait for a half, run it, say so; until stopped.
    func serve() {
        while true {
            var polls = 0
            var current = state.load(ordering: .acquiring)
            while current != Self.posted && current != Self.stopping {
                polls += 1
                if polls >= Self.spinsBeforeSleeping {
                    // A post after this store sees `sleeping` and signals; one before it is seen below.
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    let now = state.load(ordering: .sequentiallyConsistent)
                    if now != Self.posted && now != Self.stopping { wake.wait() }
                    sleeping.store(false, ordering: .sequentiallyConsistent)
                    polls = 0
                }
                current = state.load(ordering: .acquiring)
            }
            if current == Self.stopping { return }
            job!(1)
            state.store(Self.done, ordering: .releasing)
        }
    }
}
