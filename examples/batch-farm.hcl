# The batch farm of batch-farm.yaml, written in HCL: 200 identical workers
# created in one API call (worker-0001 ... worker-0200), plus one scheduler.
#
# The scheduler's admin password comes from the environment; to apply it, first:
#   export BATCH_ADMIN_PASSWORD='Batch-Farm-Passw0rd!'
name    = "batch-farm"
project = "analytics"

variable "workers_power" {
  default = "on"
}

defaults {
  availability_zone = "az2.dc1"
  vpc               = "vpc-default"
  image             = "EulerOS 2.9 64bit"
  security_groups   = ["default"]
  keypair           = "batch"
  tags = {
    env      = "prod"
    workload = "batch"
  }

  root_volume {
    type = "SATA"
  }
}

keypair "batch" {
  create           = true
  private_key_file = "./batch-key.pem"
}

server_group "workers-spread" {
  policy = "soft-anti-affinity"
}

server "worker" {
  count        = 200
  flavor       = "c6.xlarge.2"
  server_group = "workers-spread"

  nic {
    subnet = "subnet-app"
  }

  user_data = <<-EOT
    #cloud-config
    runcmd:
      - /opt/batch/agent --join scheduler-01
  EOT

  power_state = var.workers_power
  resize_mode = "offline"
  update_policy {
    max_unavailable = "20%"
  }

  tags = {
    role = "worker"
  }
  metadata = {
    queue = "default"
  }
}

server "scheduler-01" {
  flavor = "m6.large.8"

  nic {
    subnet = "subnet-app"
    ip     = "10.0.2.10"
  }
  nic {
    subnet = "subnet-mgmt"
  }

  data_volume {
    type = "SSD"
    size = 200
  }

  admin_password  = env.BATCH_ADMIN_PASSWORD
  prevent_destroy = true

  tags = {
    role = "scheduler"
  }
}
