// An application that imports ipc-bom and depends on ipc-resilience alone must get ipc-resilience, ipc-core and
// Agrona, and nothing else: no transport, no other operational module, no third-party library.
def deps = new File(basedir, 'target/resolved-dependencies.txt').text
println deps

assert deps.contains('io.ipcgateway:ipc-resilience:jar:') : 'ipc-resilience was not resolved'
assert deps.contains('io.ipcgateway:ipc-core:jar:') : 'ipc-core did not come with ipc-resilience'
assert deps.contains('org.agrona:agrona:jar:2.4.0') : 'Agrona 2.4.0 did not come with ipc-resilience'

def coordinates = deps.readLines()
    .collect { it.trim() }
    .findAll { it ==~ /^[\w.\-]+:[\w.\-]+:[\w\-]+:.*/ }
    .collect { def parts = it.split(':'); parts[0] + ':' + parts[1] }
    .toSet()
assert coordinates == ['io.ipcgateway:ipc-resilience', 'io.ipcgateway:ipc-core', 'org.agrona:agrona'] as Set :
    "ipc-resilience must bring ipc-core and Agrona only, but resolved ${coordinates}:\n${deps}"

assert new File(basedir, 'target/classes/com/example/adopter/ResilienceAdopter.class').isFile() : 'the adopter did not compile'
return true
