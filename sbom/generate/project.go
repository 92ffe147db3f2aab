package generate

import (
	"context"
	"time"

	"github.com/premarket/premarket/project"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/image"
)

// ProjectOptions adds to what premarket.yaml says.
type ProjectOptions struct {
	// ExtraInputs are read after the project's own inputs.
	ExtraInputs []Input
	// Components overrides the project's components.yaml path.
	Components string
	Timestamp  time.Time
	Tool       string
	// Image configures the scans of root file systems and firmware
	// images (limits, progress).
	Image image.Options
}

// ForProject generates the device SBOM a project describes: its inputs,
// device, authors and supplier from premarket.yaml, then the support data
// of components.yaml applied. The ApplyReport is nil when the project has
// no support data file.
func ForProject(ctx context.Context, p *project.Project, o ProjectOptions) (*sbom.Document, *project.ApplyReport, error) {
	opts := Options{Readers: Readers(), DirReaders: DirReadersWith(o.Image), PathReaders: PathReaders(o.Image), Tool: o.Tool, Timestamp: o.Timestamp}
	components := o.Components
	if p != nil {
		for _, in := range p.SBOM.Inputs {
			opts.Inputs = append(opts.Inputs, Input{Path: in.Path, Kind: in.Kind})
		}
		opts.Authors = p.SBOM.Authors
		opts.Supplier = p.SBOM.Supplier
		opts.Primary = PrimaryFromProject(p)
		for _, fw := range p.SBOM.Firmware {
			g := Group{Component: &sbom.Component{
				Type: sbom.ComponentType(fw.Type), Name: fw.Name, Version: fw.Version,
				Description: fw.Description, PURL: fw.PURL, CPE: fw.CPE, Supplier: p.SBOM.Supplier,
			}}
			for _, in := range fw.Inputs {
				g.Inputs = append(g.Inputs, Input{Path: in.Path, Kind: in.Kind})
			}
			opts.Groups = append(opts.Groups, g)
		}
		if components == "" {
			components = p.SBOM.Components
		}
	}
	opts.Inputs = append(opts.Inputs, o.ExtraInputs...)
	doc, err := Generate(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	if components == "" {
		return doc, nil, nil
	}
	sd, err := project.LoadComponents(components)
	if err != nil {
		return nil, nil, err
	}
	rep := sd.Apply(doc)
	return doc, &rep, nil
}

// PrimaryFromProject describes the device of premarket.yaml as the SBOM's
// primary component.
func PrimaryFromProject(p *project.Project) *sbom.Component {
	d := p.Device
	typ := sbom.ComponentType(d.Type)
	if typ == "" {
		typ = sbom.TypeDevice
	}
	c := &sbom.Component{
		Type: typ, Name: d.Name, Version: d.SoftwareVersion, Description: d.Description,
		Supplier: p.SBOM.Supplier, PURL: d.PURL, CPE: d.CPE,
	}
	if d.Model != "" {
		c.SetProperty("premarket:device:model", d.Model)
	}
	return c
}
