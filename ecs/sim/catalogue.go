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
