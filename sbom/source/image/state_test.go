package image

import "testing"

func TestPackageManagerStateIsNotScanned(t *testing.T) {
	for name, want := range map[string]bool{
		"/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages": true,
		"/var/cache/apt/pkgcache.bin":       true,
		"/var/lib/dpkg/status":              true,
		"/lib/apk/db/installed":             true,
		"/var/cache/apt/archives/zlib.deb":  false, // a file the image holds
		"/usr/bin/busybox":                  false,
		"/var/lib/dpkgx/status":             false,
		"/var/cache/apt/pkgcache.bin.extra": false,
	} {
		if got := isPackageManagerState(name); got != want {
			t.Errorf("isPackageManagerState(%q) = %v, want %v", name, got, want)
		}
	}
}
