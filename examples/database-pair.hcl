# The database pair of database-pair.yaml, written in HCL: two nodes on
# different hosts sharing a multiattach volume. HCL has no YAML anchors, so
# the second node repeats the first one's settings.
#
# The nodes' admin password is read from a file beside this one; to apply it, first:
#   mkdir -p examples/secrets && printf 'Db-Pair-Passw0rd!' > examples/secrets/db-admin-password
name    = "database-pair"
project = "shop-prod"

defaults {
  availability_zone = "az1.dc1"
  vpc               = "vpc-default"
  image             = "CentOS 8.2 64bit"
  flavor            = "m6.xlarge.8"
  security_groups   = ["db"]
  keypair           = "dba"
  tags = {
    env     = "prod"
    service = "orders-db"
  }

  root_volume {
    type = "SSD"
    size = 80
  }
}

keypair "dba" {
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1m8b0pQ2e7ZkT4vN9sLh3Jw6yU5aR8cDf1Ko2Mn3P dba@example"
}

server_group "db-apart" {
  policy = "anti-affinity"
}

volume "orders-shared" {
  size      = 500
  type      = "SSD"
  attach_to = ["db-a", "db-b"]
}

server "db-a" {
  server_group = "db-apart"

  nic {
    subnet = "subnet-db"
    ip     = "10.0.3.11"
  }
  nic {
    subnet          = "subnet-mgmt"
    security_groups = ["ssh"]
  }

  data_volume {
    type = "SSD"
    size = 200
  }

  admin_password  = { file = "./secrets/db-admin-password" }
  power_state     = "on"
  resize_mode     = "offline"
  prevent_destroy = true

  tags = {
    role = "primary"
  }
  description = "Orders database, node A"
}

server "db-b" {
  server_group = "db-apart"

  nic {
    subnet = "subnet-db"
    ip     = "10.0.3.12"
  }
  nic {
    subnet          = "subnet-mgmt"
    security_groups = ["ssh"]
  }

  data_volume {
    type = "SSD"
    size = 200
  }

  admin_password  = { file = "./secrets/db-admin-password" }
  power_state     = "on"
  resize_mode     = "offline"
  prevent_destroy = true

  tags = {
    role = "standby"
  }
  description = "Orders database, node B"
}
