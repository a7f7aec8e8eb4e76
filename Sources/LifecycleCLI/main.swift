import Warehouse
print(WarehouseInfo.sqlFiles.count)
