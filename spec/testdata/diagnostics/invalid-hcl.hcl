name = "t"
server "web" {
  nic { subnet = "subnet-web"
}
