// An application that imports ipc-bom and depends on ipc-shm alone must get the transport and
// its vocabulary, and none of the operational modules or their third-party libraries.
def deps = new File(basedir, 'target/resolved-dependencies.txt').text
println deps

assert deps.contains('io.ipcgateway:ipc-shm:jar:') : 'ipc-shm was not resolved'
assert deps.contains('io.ipcgateway:ipc-core:jar:') : 'ipc-core did not come with ipc-shm'
assert deps.contains('org.agrona:agrona:jar:2.4.0') : 'Agrona 2.4.0 did not come with ipc-shm'

def forbidden = ['ipc-metrics', 'ipc-audit', 'ipc-resilience', 'ipc-bench', 'ipc-examples',
                 'io.prometheus', 'HdrHistogram', 'jctools', 'aeron', 'jmh']
forbidden.each { name ->
    assert !deps.contains(name) : "ipc-shm alone pulled in ${name}:\n${deps}"
}

assert new File(basedir, 'target/classes/com/example/adopter/Adopter.class').isFile() : 'the adopter did not compile'
return true
