import Foundation
import Testing
@testable import Learning

@Suite("Paired worker", .timeLimit(.minutes(1)))  // a lost wake-up would hang, not fail
struct PairedWorkerTests {
    @Test("each run calls both halves once, the second on another thread, and returns after both")
    func runsBothHalves() {
        let worker = PairedWorker()
        let caller = pthread_self()
        let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
        let threads = UnsafeMutableBufferPointer<pthread_t>.allocate(capacity: 2)
        defer { slots.deallocate(); threads.deallocate() }
        slots.initialize(repeating: 0)
        let shared = Shared(slots: slots, threads: threads)
        for _ in 0..<20_000 {
            worker.run { half in
                shared.slots[half] += 1
                shared.threads![half] = pthread_self()
            }
        }
        #expect(slots[0] == 20_000 && slots[1] == 20_000)
        #expect(pthread_equal(threads[0], caller) != 0)
        #expect(pthread_equal(threads[1], caller) == 0)
    }

    @Test("a worker that has gone to sleep between runs is woken by the next one")
    func wakesAfterSleeping() {
        let worker = PairedWorker()
        let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
        defer { slots.deallocate() }
        slots.initialize(repeating: 0)
        let shared = Shared(slots: slots, threads: nil)
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.05)  // far past the worker's spinning
            worker.run { half in shared.slots[half] += 1 }
        }
        #expect(slots[0] == 3 && slots[1] == 3)
    }

    private struct Shared: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<Int>
        let threads: UnsafeMutableBufferPointer<pthread_t>?
    }
}
