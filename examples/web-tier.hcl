# A production web tier: the same fleet as web-tier.yaml, written in HCL.
# Lists of objects in YAML are repeated blocks here (server "web" { ... },
# nic { ... }); everything else has the same name.
#
# Its admin password comes from the environment; to apply it, first:
#   export WEB_ADMIN_PASSWORD='Web-Tier-Passw0rd!'
name    = "web-tier"
project = "shop-prod"

variable "web_count" {
  default = "6"
}

variable "env" {
  default = "prod"
}

defaults {
  availability_zone = "az1.dc1"
  vpc               = "vpc-default"
  image             = "CentOS 8.2 64bit"
  flavor            = "c6.large.2"
  security_groups   = ["default"]
  keypair           = "ops"
  tags = {
    env         = var.env
    team        = "web-platform"
    cost-center = "cc-1042"
  }

  root_volume {
    type = "SSD"
    size = 40
  }
}

keypair "ops" {
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ7p3xY6o9r3Xq4dWcJbqvH0mHTR1nKq3cW1YtVx2sAb ops@example"
}

server_group "web-spread" {
  policy = "anti-affinity"
}

server "web" {
  count        = var.web_count
  server_group = "web-spread"

  nic {
    subnet          = "subnet-web"
    security_groups = ["web"]
  }
  nic {
    subnet          = "subnet-mgmt"
    security_groups = ["ssh"]
  }

  data_volume {
    type = "SAS"
    size = 100
  }

  tags = {
    role = "web"
    tier = "frontend"
  }
  metadata = {
    owner  = "web-platform"
    backup = "daily"
  }

  user_data = <<-EOT
    #cloud-config
    packages: [nginx]
    runcmd:
      - systemctl enable --now nginx
  EOT

  admin_password = env.WEB_ADMIN_PASSWORD
  resize_mode    = "live"
  update_policy {
    max_unavailable = "25%"
  }
  prevent_destroy = true
  description     = "Public web servers behind the load balancer"
}

server "web-canary" {
  flavor = "c6.xlarge.2"

  nic {
    subnet          = "subnet-web"
    ip              = "10.0.1.250"
    security_groups = ["web"]
  }

  tags = {
    role = "web"
    tier = "canary"
  }
  description = "Canary that gets new images first"
}

ignore {
  tag_prefixes      = ["_sys_", "CCE-", "cascaded.", "monitoring-"]
  metadata_prefixes = ["_sys_", "CCE-", "cascaded."]
}
