#if canImport(Glibc)
import Glibc
#endif
import CLinux
import WinnowFuzzing

// The libFuzzer binary (built only by Scripts/fuzz.sh, with -sanitize=fuzzer). The target is
// chosen by WINNOW_FUZZ_TARGET; the arguments are libFuzzer's. With WINNOW_FUZZ_WRITE_SEEDS=DIR
// it writes the target's seeds (its real files and those made in code) into DIR and exits.

func say(_ message: String) {
    let line = Array("winnow-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

nonisolated(unsafe) var target: FuzzTarget?

let name = getenv("WINNOW_FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let chosen = FuzzTargets.named(name) else {
    say("set WINNOW_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: " "))")
    exit(2)
}
if let dir = getenv("WINNOW_FUZZ_WRITE_SEEDS") {
    do {
        let count = try FuzzSeeds.write(chosen, to: String(cString: dir),
                                        repository: getenv("WINNOW_REPOSITORY").map { String(cString: $0) } ?? ".")
        say("\(count) seed(s) for \(chosen.name)")
        exit(0)
    } catch {
        say("\(error)")
        exit(1)
    }
}
target = chosen

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    target?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
})
