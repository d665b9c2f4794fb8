name = "t"
defaults {
  vpc = "vpc-default"
  image = "CentOS 8.2 64bit"
  flavor = "c6.large.2"
  root_volume { type = "SSD" }
}
servers "web" {
  nic { subnet = "subnet-web" }
}
server "api" {
  flavour = "c6.large.2"
  nic { subnet = "subnet-web" }
  count = var.api_count
}
