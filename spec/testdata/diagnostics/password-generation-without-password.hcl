name = "t"

server "web" {
  count       = 3
  flavor      = "c6.large.2"
  image       = "CentOS 8.2 64bit"
  vpc         = "vpc-default"
  root_volume { type = "SSD" }
  nic { subnet = "subnet-web" }

  password_generation = 2
}
