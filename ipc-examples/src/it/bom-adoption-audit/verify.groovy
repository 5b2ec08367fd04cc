// An application that imports ipc-bom and depends on ipc-audit alone must get exactly the audit log, its
// vocabulary (ipc-core) and their two libraries (Agrona, JCTools): no transport, no other operational module,
// nothing the command line or the tap use (picocli, Jackson), nothing else at all.
def deps = new File(basedir, 'target/resolved-dependencies.txt').text
println deps

// dependency:list prints one "group:artifact:type:version:scope" line per resolved artifact.
def resolved = (deps =~ /(?m)^\s+([\w.\-]+):([\w.\-]+):jar:([\w.\-]+):(\w+)/).collect { it[1] + ':' + it[2] } as Set
def expected = ['io.ipcgateway:ipc-audit', 'io.ipcgateway:ipc-core', 'org.agrona:agrona', 'org.jctools:jctools-core'] as Set
assert resolved == expected : "ipc-audit alone resolved ${resolved}, expected exactly ${expected}:\n${deps}"
assert deps.contains('org.agrona:agrona:jar:2.4.0') : 'Agrona 2.4.0 did not come with ipc-audit'

assert new File(basedir, 'target/classes/com/example/auditadopter/AuditAdopter.class').isFile() : 'the adopter did not compile'
return true
