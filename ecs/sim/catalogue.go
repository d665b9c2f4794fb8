package sim

// Lookups accept an id or a name: HCS flavors use the name as id, and fleet
// files may refer to images, subnets and groups either way.

// Flavor finds a flavor by id or name.
func (c *Catalogue) Flavor(ref string) *Flavor {
	for i := range c.Flavors {
		if c.Flavors[i].ID == ref || c.Flavors[i].Name == ref {
			return &c.Flavors[i]
		}
	}
	return nil
}

// Image finds an image by id or name.
func (c *Catalogue) Image(ref string) *Image {
	for i := range c.Images {
		if c.Images[i].ID == ref || c.Images[i].Name == ref {
			return &c.Images[i]
		}
	}
	return nil
}

// Subnet finds a subnet by id or name.
func (c *Catalogue) Subnet(ref string) *Subnet {
	for i := range c.Subnets {
		if c.Subnets[i].ID == ref || c.Subnets[i].Name == ref {
			return &c.Subnets[i]
		}
	}
	return nil
}

// VPC finds a VPC by id or name.
func (c *Catalogue) VPC(ref string) *VPC {
	for i := range c.VPCs {
		if c.VPCs[i].ID == ref || c.VPCs[i].Name == ref {
			return &c.VPCs[i]
		}
	}
	return nil
}

// SecurityGroup finds a security group by id or name.
func (c *Catalogue) SecurityGroup(ref string) *SecurityGroup {
	for i := range c.SecurityGroups {
		if c.SecurityGroups[i].ID == ref || c.SecurityGroups[i].Name == ref {
			return &c.SecurityGroups[i]
		}
	}
	return nil
}

// VolumeType finds a volume type by id or name.
func (c *Catalogue) VolumeType(ref string) *VolumeType {
	for i := range c.VolumeTypes {
		if c.VolumeTypes[i].ID == ref || c.VolumeTypes[i].Name == ref {
			return &c.VolumeTypes[i]
		}
	}
	return nil
}

// AZ finds an availability zone by name.
func (c *Catalogue) AZ(name string) *AZ {
	for i := range c.AvailabilityZones {
		if c.AvailabilityZones[i].Name == name {
			return &c.AvailabilityZones[i]
		}
	}
	return nil
}

// ImageByID, VPCByID, SubnetByID and SecurityGroupByID match ids only: the
// API takes ids (UUIDs) in requests; name lookups are for fleet files and
// tests, and resolving names is the planner's job, so a request carrying a
// name is refused like the real service refuses it.

// ImageByID finds an image by id.
func (c *Catalogue) ImageByID(id string) *Image {
	if im := c.Image(id); im != nil && im.ID == id {
		return im
	}
	return nil
}

// VPCByID finds a VPC by id.
func (c *Catalogue) VPCByID(id string) *VPC {
	if v := c.VPC(id); v != nil && v.ID == id {
		return v
	}
	return nil
}

// SubnetByID finds a subnet by (network) id.
func (c *Catalogue) SubnetByID(id string) *Subnet {
	if s := c.Subnet(id); s != nil && s.ID == id {
		return s
	}
	return nil
}

// SecurityGroupByID finds a security group by id.
func (c *Catalogue) SecurityGroupByID(id string) *SecurityGroup {
	if g := c.SecurityGroup(id); g != nil && g.ID == id {
		return g
	}
	return nil
}
