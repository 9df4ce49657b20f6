// The build must have failed because of the licence, not for another reason (a download, a typo):
// license-maven-plugin names the licence, the artifact that brings it, and refuses the build.
def log = new File(basedir, 'build.log').text
assert log.contains("License: 'GNU General Public License (GPL)' used by 1 dependencies") : 'the GPL licence is not named'
assert log.contains('org.jfree:org.jfree.svg') : 'the GPL artifact is not named'
assert log.contains('license-maven-plugin:2.7.0:add-third-party (third-party-licences)') : 'not the parent POM\'s licence check'
assert log.contains('There are some forbidden licenses used') : 'the licence check did not refuse the build'
return true
