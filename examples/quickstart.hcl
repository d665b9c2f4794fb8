# The quickstart fleet of quickstart.yaml, written in HCL: one keypair
# created by the cloud and three web servers on the simulator's default
# catalogue.
name = "quickstart"

defaults {
  availability_zone = "az1.dc1"
  vpc               = "vpc-default"
  image             = "Ubuntu 22.04 server 64bit"
  flavor            = "s6.small.1"
  security_groups   = ["default"]
  keypair           = "quickstart-key"

  root_volume {
    type = "SSD"
  }
}

keypair "quickstart-key" {
  create           = true
  private_key_file = "./quickstart-key.pem"
}

server "web" {
  count = 3

  nic {
    subnet = "subnet-web"
  }

  tags = {
    role = "web"
  }
}
