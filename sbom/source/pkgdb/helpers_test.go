package pkgdb

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
)

// feedDir shows every file and symlink under dir to v the way the image
// walker does: Name is the absolute path inside dir, Root is root.
func feedDir(t testing.TB, v imagescan.Visitor, dir, root string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := "/" + filepath.ToSlash(rel)
		if d.IsDir() {
			return nil
		}
		f := &imagescan.File{Path: root + "!" + name, Name: name, Root: root}
		if d.Type()&fs.ModeSymlink != 0 {
			f.LinkTarget, err = os.Readlink(p)
			if err != nil {
				return err
			}
			f.Mode = fs.ModeSymlink
			return v.VisitFile(f, nil)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Size = int64(len(data))
		return v.VisitFile(f, data)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func byName(doc *sbom.Document, name string) *sbom.Component {
	for _, c := range doc.Components {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func depsOf(doc *sbom.Document, ref string) []string {
	for _, d := range doc.Dependencies {
		if d.Ref == ref {
			return d.DependsOn
		}
	}
	return nil
}

// depNames returns the names of the components c depends on.
func depNames(doc *sbom.Document, c *sbom.Component) []string {
	var out []string
	for _, r := range depsOf(doc, c.Ref) {
		out = append(out, doc.ComponentByRef(r).Name)
	}
	return out
}

func prop(c *sbom.Component, name string) string {
	v, _ := c.Property(name)
	return v
}

func fileAt(root, name string) *imagescan.File {
	return &imagescan.File{Path: root + "!" + name, Name: name, Root: root}
}
